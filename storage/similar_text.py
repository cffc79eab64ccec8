"""What a ticket's words mean to the similar-tickets engine (storage.similar): accents and case
folded, English and Spanish stop words dropped, words cut to a stem, and helpdesk vocabulary
mapped to one concept in both languages ("impresora" and "printer" are one word here).

Topic words ("printer", "VPN", "password") weigh little: two tickets about the printer are the
same problem only if they also share what is wrong with it ("toner", "jam"). No model: a word
list, read in microseconds, the same on every machine.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

STEM = 5  # words are compared by their first letters: "disconnects" ~ "disconnected"
TOPIC_WEIGHT = 0.25
TITLE_WEIGHT = 2.0  # a word of the title says more than one of the description

_WORD = re.compile(r"[a-z0-9]+")

_STOP_WORDS = """
    a an the and or but if of to in on at by for with from into over under about as is are was
    were be been being am do does did doing have has had having i me my mine we our us you your
    he she it its they them their this that these those there here what which who whom when where
    why how all any some every each no not nor so than too very can could will would shall should
    may might must just also again still even only then now up down out off get gets got getting
    keep keeps kept one two three since after before while because until via per
    please pls thanks thank hi hello hey help need needs needed want would like someone anyone
    issue issues problem problems working work works worked anymore today morning yesterday
    since already time times again always never nothing anything everything something
    cant cannot dont doesnt wont isnt didnt couldnt unable able
    error errors fail fails failed failing failure user users
    el la los las un una unos unas y o u pero si de del al a en con por para sin sobre entre
    es son era fue ser estar esta estan estoy esto ese esa eso este estos esas hay ha he han
    me mi mis te tu tus se le les lo nos su sus que cual quien como cuando donde porque muy mas
    menos ya aun todavia tambien solo cada todo toda todos todas nada algo alguien nadie otro otra
    no ni puedo puede pueden poder hola gracias favor porfa ayuda necesito necesita quisiera
    problema problemas funciona funcionan funcionar anda hoy ayer manana desde hace
    falla fallo fallos usuario usuarios
    """
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Concepts in both languages: each word begins with one of the prefixes (accents folded).
# Topics (what the ticket is about) weigh TOPIC_WEIGHT; the rest (what is wrong) weigh 1.
TOPICS: dict[str, tuple[str, ...]] = {
    "printer": ("printer", "impresor", "print", "imprim", "imprime"),
    "vpn": ("vpn", "globalprotect", "anyconnect", "forticlient"),
    "password": ("password", "passwd", "passwrod", "contrasen", "clave", "pwd"),
    "email": ("email", "mail", "correo", "e-mail", "inbox", "bandeja"),
    "laptop": ("laptop", "portatil", "notebook", "computer", "computadora", "ordenador", "pc"),
    "teams": ("teams",),
    "outlook": ("outlook",),
    "excel": ("excel", "spreadsheet", "hoja", "workbook", "libro"),
    "wifi": ("wifi", "wireless", "inalambric", "wlan"),
    "monitor": ("monitor", "display", "pantalla", "screen"),
    "access": ("acces", "acceso", "permis", "permission", "rights", "derecho"),
    "account": ("account", "cuenta"),
    "network": ("network", "red", "internet"),
    "file": ("file", "archivo", "fichero", "document", "documento"),
    "windows": ("windows",),
    "office": ("office", "oficina"),
    "phone": ("phone", "telefono", "movil", "celular", "mobile"),
}
SYMPTOMS: dict[str, tuple[str, ...]] = {
    "disconnect": ("disconnect", "desconect", "drop", "cae", "caida", "cuts", "corta"),
    "connect": ("connect", "conect", "conexion", "join", "unirme"),
    "slow": ("slow", "lent", "lag", "crawl", "speed", "velocidad", "tarda"),
    "expired": ("expir", "caduc", "venci", "vence"),
    "certificate": ("certific",),
    "locked": ("lock", "bloque", "unlock", "desbloque"),
    "reset": ("reset", "restablec", "restaur", "recuper"),
    "toner": ("toner", "tonner", "tinta", "cartridge", "cartucho", "faint", "claro"),
    "jam": ("jam", "atasc", "stuck", "trab", "atore"),
    "driver": ("driver", "controlador"),
    "offline": ("offline", "offlne", "desconectad", "linea"),
    "queue": ("queue", "cola"),
    "install": ("install", "instal", "setup", "installer", "instalador"),
    "admin": ("admin", "administrador", "administrator"),
    "mfa": ("mfa", "2fa", "authenticator", "autentica", "push", "notificacion", "approval"),
    "sync": ("sync", "sincroniz", "receiv", "recib", "arriv", "lleg"),
    "full": ("full", "llen", "quota", "cuota", "limit", "space", "espacio"),
    "phishing": ("phishing", "suspicious", "sospechos", "spam", "scam", "fraud"),
    "shared": ("shared", "compartid", "share"),
    "battery": ("battery", "bateria", "charge", "carga", "drain", "descarg"),
    "power": ("power", "encend", "enciend", "turn", "boot", "arranca", "dead", "muerto"),
    "broken": ("broken", "crack", "rota", "roto", "quebrad", "fell", "fall", "dropped", "cayo"),
    "overheat": ("overheat", "hot", "calient", "recalient", "calor", "fan", "ventilador"),
    "microphone": ("microphone", "mic", "micro", "hear", "escuch", "mute", "silenci", "audio"),
    "camera": ("camera", "camara", "webcam", "video"),
    "signin": ("sign", "login", "log", "inicio", "iniciar", "sesion", "entrar", "loop", "bucle"),
    "flicker": ("flicker", "parpade", "blink"),
    "nosignal": ("senal", "signal", "coverage", "cobertura"),
    "black": ("black", "negr", "blank", "blanc"),
    "new": ("new", "nuevo", "nueva", "additional", "extra", "adicional"),
    "request": ("request", "solicit", "pedir", "pido"),
    "resolution": ("resolution", "resolucion", "blurry", "borros", "stretch", "estirad"),
    "crash": ("crash", "cierra", "close", "closes", "freez", "congel", "colg"),
    "license": ("licen", "activat", "activa", "unlicensed"),
    "macro": ("macro",),
    "folder": ("folder", "carpeta", "directory", "directorio"),
    "badge": ("badge", "tarjeta", "card", "door", "puerta", "entrance", "entrada"),
    "newhire": ("hire", "employee", "empleado", "colleague", "companero", "onboard", "starting", "empieza"),
    "guest": ("guest", "invitad", "visitor", "visit", "visita"),
    "portal": ("portal", "captive", "cautivo", "terms", "terminos"),
    "warehouse": ("warehouse", "almacen", "bodega"),
    "meeting": ("meeting", "reunion", "sala", "room", "call", "llamada"),
    "deny": ("denied", "denegad", "refus", "rechaz"),
}


@dataclass(frozen=True)
class Words:
    """A text as the engine sees it: concept (or stem) -> weight, and the stems to query by."""

    weights: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    @property
    def topics(self) -> frozenset[str]:
        return frozenset(key for key in self.weights if key.startswith("@"))

    def specific(self) -> list[str]:
        return [key for key, weight in self.weights.items() if not key.startswith("@")]


def fold(text: str) -> str:
    """Lower case without accents: "Contraseña" -> "contrasena"."""
    if text.isascii():
        return text.lower()  # most tickets: 20x quicker than decomposing them
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _prefixes() -> list[tuple[str, str]]:
    """(prefix, concept key) longest first; topic keys start with "@"."""
    pairs = [(p, "@" + key) for key, ps in TOPICS.items() for p in ps]
    pairs += [(p, key) for key, ps in SYMPTOMS.items() for p in ps]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_PREFIXES = _prefixes()


@functools.lru_cache(maxsize=65536)
def concept(word: str) -> str | None:
    """The concept of one folded word, its stem if it has none, None for a stop word."""
    if word in STOP_WORDS or len(word) < 2:
        return None
    for prefix, key in _PREFIXES:
        # Short prefixes ("red", "mic", "log") only as whole words or nearly: not "reduce".
        if word.startswith(prefix) and (len(prefix) >= 4 or len(word) <= len(prefix) + 2):
            return key
    if word.isdigit():
        return None
    return word[:STEM]


def words(title: str, description: str = "") -> Words:
    weights: dict[str, float] = {}
    for text, factor in ((title, TITLE_WEIGHT), (description, 1.0)):
        for word in set(_WORD.findall(fold(text).replace("'", ""))):
            key = concept(word)
            if key is None:
                continue
            weight = factor * TOPIC_WEIGHT if key[0] == "@" else factor
            if weight > weights.get(key, 0.0):
                weights[key] = weight
    return Words(weights)


def overlap(a: Words, b: Words) -> float:
    """Weighted Dice: the share of both texts' weight that the other has too (0..1)."""
    total = a.total + b.total
    if not total:
        return 0.0
    shared = sum(min(w, b.weights[k]) + min(w, b.weights[k]) for k, w in a.weights.items() if k in b.weights)
    return shared / total


def search_prefixes(probe: Words, limit: int = 12) -> list[str]:
    """What to ask the full-text index for: every spelling of the probe's heaviest specific
    concepts (a stem stands for itself), or of its topics when it has nothing more specific."""
    keys = sorted(probe.specific(), key=lambda k: -probe.weights[k])[:limit]
    if not keys:
        keys = list(probe.weights)[:limit]
    spellings: list[str] = []
    for key in keys:
        table = TOPICS if key.startswith("@") else SYMPTOMS
        spellings += table.get(key.lstrip("@"), (key,))
    return sorted({s for s in spellings if _WORD.fullmatch(s)})
