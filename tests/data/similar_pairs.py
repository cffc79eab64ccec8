"""Labelled ticket pairs for the similar-tickets engine (storage.similar), in English and Spanish.

Problems come in families that share their words (printer, VPN, password, email…): each problem
is told three times, by different people (a paraphrase, the other language, typos), and

  * a SAME pair is two tellings of one problem;
  * a DIFFERENT pair is two problems of one family: they share "printer" or "VPN" but an
    engineer would not merge them.

`pairs()` gives 120 of each, always the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Telling:
    problem: str
    category: str
    lang: str
    title: str
    description: str


# family -> problem -> (category, [(lang, title, description) x 3])
FAMILIES: dict[str, dict[str, tuple[str, list[tuple[str, str, str]]]]] = {
    "printer": {
        "toner": (
            "printers",
            [
                (
                    "en",
                    "Printer on 3rd floor out of toner",
                    "The HP printer by the kitchen says toner low and prints blank pages.",
                ),
                (
                    "es",
                    "La impresora del tercer piso no tiene tóner",
                    "La impresora HP junto a la cocina dice tóner bajo y saca hojas en blanco.",
                ),
                (
                    "en",
                    "3rd floor printer needs new tonner",
                    "Prints come out very faint, the toner cartridge must be empty.",
                ),
            ],
        ),
        "jam": (
            "printers",
            [
                ("en", "Paper jam in the printer", "The printer keeps jamming, paper gets stuck in tray 2."),
                (
                    "es",
                    "Atasco de papel en la impresora",
                    "La impresora se atasca todo el tiempo, el papel se queda trabado en la bandeja 2.",
                ),
                (
                    "en",
                    "Printer jammed again",
                    "Paper stuck inside, I opened the tray but can't pull the sheet out.",
                ),
            ],
        ),
        "driver": (
            "printers",
            [
                (
                    "en",
                    "Can't install printer driver on my laptop",
                    "Windows asks for admin rights when I try to add the printer driver.",
                ),
                (
                    "es",
                    "No puedo instalar el driver de la impresora",
                    "Windows me pide permisos de administrador al agregar el controlador de la impresora.",
                ),
                (
                    "en",
                    "Printer driver installation fails",
                    "Adding the printer fails, the driver setup needs administrator permission.",
                ),
            ],
        ),
        "offline": (
            "printers",
            [
                (
                    "en",
                    "Printer shows offline",
                    "My laptop says the printer is offline, nothing prints, the queue is stuck.",
                ),
                (
                    "es",
                    "La impresora aparece desconectada",
                    "Mi portátil dice que la impresora está fuera de línea y los trabajos se quedan en cola.",
                ),
                (
                    "en",
                    "printer offlne, print jobs stuck in queue",
                    "All my documents stay in the queue, status offline.",
                ),
            ],
        ),
    },
    "vpn": {
        "drops": (
            "network",
            [
                ("en", "VPN keeps disconnecting", "Every 10 minutes the VPN drops and I have to reconnect."),
                (
                    "es",
                    "La VPN se desconecta a cada rato",
                    "Cada 10 minutos se cae la VPN y tengo que volver a conectarme.",
                ),
                (
                    "en",
                    "VPN connection drops every few minutes",
                    "I get disconnected from the VPN constantly while working from home.",
                ),
            ],
        ),
        "certificate": (
            "network",
            [
                (
                    "en",
                    "VPN certificate expired",
                    "The VPN client says my certificate has expired and refuses to connect.",
                ),
                (
                    "es",
                    "Certificado de la VPN vencido",
                    "El cliente VPN dice que el certificado expiró y no me deja entrar.",
                ),
                (
                    "en",
                    "Expired certificate error on VPN",
                    "GlobalProtect shows certificate expired when I log in.",
                ),
            ],
        ),
        "mfa": (
            "access",
            [
                (
                    "en",
                    "No MFA push when logging into VPN",
                    "The authenticator app never gets the push notification for the VPN login.",
                ),
                (
                    "es",
                    "No me llega la notificación MFA para la VPN",
                    "La app autenticadora no recibe la notificación push al entrar a la VPN.",
                ),
                (
                    "en",
                    "VPN login stuck waiting for MFA approval",
                    "I never receive the push on my phone, so the VPN times out.",
                ),
            ],
        ),
        "slow": (
            "network",
            [
                ("en", "VPN very slow", "Over the VPN file shares take minutes to open, speed is terrible."),
                (
                    "es",
                    "La VPN está muy lenta",
                    "Por la VPN las carpetas compartidas tardan minutos en abrir, la velocidad es pésima.",
                ),
                (
                    "en",
                    "Slow speed on VPN",
                    "Everything is extremely slow when connected to the VPN, internet is fine without it.",
                ),
            ],
        ),
    },
    "password": {
        "expired": (
            "access",
            [
                (
                    "en",
                    "Password expired, cannot log in",
                    "Windows says my password has expired and won't let me sign in.",
                ),
                (
                    "es",
                    "Mi contraseña caducó y no puedo entrar",
                    "Windows dice que la contraseña expiró y no me deja iniciar sesión.",
                ),
                (
                    "en",
                    "passwrod expired on my computer",
                    "Login screen says the password expired, I can't get in.",
                ),
            ],
        ),
        "locked": (
            "access",
            [
                (
                    "en",
                    "Account locked out",
                    "I typed my password wrong several times and now my account is locked.",
                ),
                (
                    "es",
                    "Cuenta bloqueada",
                    "Me equivoqué varias veces con la contraseña y ahora la cuenta está bloqueada.",
                ),
                (
                    "en",
                    "Locked out of my account",
                    "Too many failed attempts, my account got locked, please unlock it.",
                ),
            ],
        ),
        "reset_email": (
            "access",
            [
                (
                    "en",
                    "Password reset email never arrives",
                    "I requested a password reset link but the email never arrives.",
                ),
                (
                    "es",
                    "No llega el correo para restablecer la contraseña",
                    "Pedí el enlace para restablecer la contraseña pero el correo nunca llega.",
                ),
                (
                    "en",
                    "Reset link not received",
                    "Self service password reset: no link in my inbox after an hour.",
                ),
            ],
        ),
        "wifi_key": (
            "network",
            [
                (
                    "en",
                    "Need the guest wifi password",
                    "We have visitors today, what is the guest wifi password?",
                ),
                (
                    "es",
                    "Necesito la clave del wifi de invitados",
                    "Tenemos visitas hoy, ¿cuál es la clave del wifi de invitados?",
                ),
                (
                    "en",
                    "Guest WiFi password for visitors",
                    "Can someone send me the password for the guest wireless network?",
                ),
            ],
        ),
    },
    "email": {
        "outlook_sync": (
            "software",
            [
                (
                    "en",
                    "Outlook not syncing new emails",
                    "Outlook stopped receiving new messages since this morning, it says disconnected.",
                ),
                (
                    "es",
                    "Outlook no sincroniza los correos nuevos",
                    "Outlook dejó de recibir mensajes nuevos desde esta mañana, dice desconectado.",
                ),
                (
                    "en",
                    "Outlook stuck, no new mail",
                    "New emails don't show up in Outlook, webmail has them.",
                ),
            ],
        ),
        "mailbox_full": (
            "software",
            [
                ("en", "Mailbox full", "I get a warning that my mailbox is full and I cannot send emails."),
                (
                    "es",
                    "Buzón de correo lleno",
                    "Me sale un aviso de que el buzón está lleno y no puedo enviar correos.",
                ),
                (
                    "en",
                    "Mailbox quota exceeded",
                    "Cannot send mail, quota exceeded, my mailbox is over the limit.",
                ),
            ],
        ),
        "phishing": (
            "other",
            [
                (
                    "en",
                    "Suspicious phishing email",
                    "I received an email asking for my bank details from a strange address.",
                ),
                (
                    "es",
                    "Correo sospechoso de phishing",
                    "Me llegó un correo pidiendo mis datos bancarios desde una dirección rara.",
                ),
                (
                    "en",
                    "Got a phishing mail",
                    "Email pretending to be IT asking me to click a link and confirm my details.",
                ),
            ],
        ),
        "shared_mailbox": (
            "access",
            [
                (
                    "en",
                    "Need access to the sales shared mailbox",
                    "Please add me to the sales@ shared mailbox.",
                ),
                (
                    "es",
                    "Necesito acceso al buzón compartido de ventas",
                    "Por favor agréguenme al buzón compartido ventas@.",
                ),
                (
                    "en",
                    "Access request: shared mailbox sales",
                    "I started in the sales team and need the shared mailbox.",
                ),
            ],
        ),
    },
    "laptop": {
        "battery": (
            "hardware",
            [
                ("en", "Laptop battery drains fast", "My laptop battery lasts less than an hour now."),
                (
                    "es",
                    "La batería del portátil se descarga rápido",
                    "La batería de mi portátil dura menos de una hora.",
                ),
                ("en", "Battery dies quickly on laptop", "Fully charged battery is empty after 45 minutes."),
            ],
        ),
        "no_boot": (
            "hardware",
            [
                ("en", "Laptop won't turn on", "Pressed the power button, nothing happens, no lights."),
                (
                    "es",
                    "El portátil no enciende",
                    "Aprieto el botón de encendido y no pasa nada, ninguna luz.",
                ),
                ("en", "laptop does not power on", "Dead laptop this morning, power button does nothing."),
            ],
        ),
        "screen_broken": (
            "hardware",
            [
                ("en", "Cracked laptop screen", "I dropped my laptop and the screen is cracked."),
                ("es", "Pantalla del portátil rota", "Se me cayó el portátil y la pantalla está rota."),
                (
                    "en",
                    "Laptop screen broken after a fall",
                    "The display has a crack and black spots after it fell.",
                ),
            ],
        ),
        "overheating": (
            "hardware",
            [
                (
                    "en",
                    "Laptop overheating",
                    "The laptop gets very hot and the fan is loud, then it shuts down.",
                ),
                (
                    "es",
                    "El portátil se recalienta",
                    "El portátil se calienta mucho, el ventilador hace ruido y luego se apaga.",
                ),
                (
                    "en",
                    "Laptop too hot, fan very loud",
                    "It overheats during video calls and turns itself off.",
                ),
            ],
        ),
    },
    "teams": {
        "mic": (
            "software",
            [
                (
                    "en",
                    "Microphone not working in Teams",
                    "In Teams calls nobody can hear me, the microphone shows muted.",
                ),
                (
                    "es",
                    "El micrófono no funciona en Teams",
                    "En las llamadas de Teams nadie me escucha, el micrófono aparece silenciado.",
                ),
                ("en", "Teams: others can't hear me", "My mic isn't picked up in Teams meetings."),
            ],
        ),
        "camera": (
            "software",
            [
                ("en", "Camera not detected in Teams", "Teams says no camera found, my webcam shows black."),
                ("es", "Teams no detecta la cámara", "Teams dice que no hay cámara, la webcam se ve negra."),
                (
                    "en",
                    "Webcam black in Teams meetings",
                    "Video doesn't work in Teams, camera is not detected.",
                ),
            ],
        ),
        "install": (
            "software",
            [
                ("en", "Teams won't install", "The Teams installer fails with an error at 80 %."),
                ("es", "No se instala Teams", "El instalador de Teams falla con un error al 80 %."),
                ("en", "Teams installation error", "Installing Teams stops with an error, tried twice."),
            ],
        ),
        "login_loop": (
            "access",
            [
                (
                    "en",
                    "Teams keeps asking me to sign in",
                    "Teams is stuck in a sign in loop, it asks for my login over and over.",
                ),
                (
                    "es",
                    "Teams me pide iniciar sesión una y otra vez",
                    "Teams se queda en un bucle de inicio de sesión y me pide entrar todo el tiempo.",
                ),
                ("en", "Teams sign-in loop", "Every time I open Teams it asks me to log in again."),
            ],
        ),
    },
    "wifi": {
        "no_connect": (
            "network",
            [
                (
                    "en",
                    "Can't connect to office wifi",
                    "My laptop doesn't connect to the corporate wifi, says can't connect to this network.",
                ),
                (
                    "es",
                    "No me puedo conectar al wifi de la oficina",
                    "Mi portátil no se conecta al wifi corporativo, dice que no puede conectarse a esta red.",
                ),
                (
                    "en",
                    "Office WiFi connection fails",
                    "Unable to join the corporate wireless network from my laptop.",
                ),
            ],
        ),
        "slow_wifi": (
            "network",
            [
                (
                    "en",
                    "Wifi extremely slow in meeting room B",
                    "In meeting room B the wifi is so slow pages don't load.",
                ),
                (
                    "es",
                    "El wifi está lentísimo en la sala de reuniones B",
                    "En la sala B el wifi va tan lento que no cargan las páginas.",
                ),
                ("en", "Very slow wireless in room B", "Internet over wifi crawls in meeting room B."),
            ],
        ),
        "no_signal": (
            "network",
            [
                (
                    "en",
                    "No wifi signal in the warehouse",
                    "There is no wifi coverage at all in the back of the warehouse.",
                ),
                (
                    "es",
                    "No hay señal de wifi en el almacén",
                    "No hay cobertura de wifi en el fondo del almacén.",
                ),
                (
                    "en",
                    "Warehouse has no WiFi coverage",
                    "Scanners lose signal in the warehouse, no wifi there.",
                ),
            ],
        ),
        "portal": (
            "network",
            [
                (
                    "en",
                    "Guest wifi login page doesn't open",
                    "The guest wifi captive portal page never loads so visitors can't accept the terms.",
                ),
                (
                    "es",
                    "No abre la página de acceso del wifi de invitados",
                    "El portal cautivo del wifi de invitados no carga y las visitas no pueden aceptar "
                    "los términos.",
                ),
                (
                    "en",
                    "Captive portal not loading on guest wifi",
                    "Visitors connect to guest wifi but the portal page never appears.",
                ),
            ],
        ),
    },
    "monitor": {
        "flicker": (
            "hardware",
            [
                ("en", "Monitor flickering", "My external monitor flickers every few seconds."),
                ("es", "El monitor parpadea", "Mi monitor externo parpadea cada pocos segundos."),
                (
                    "en",
                    "Screen flickers on external monitor",
                    "The second monitor keeps flickering on and off.",
                ),
            ],
        ),
        "no_signal": (
            "hardware",
            [
                (
                    "en",
                    "Monitor says no signal",
                    "The monitor stays black with a no signal message when connected to the dock.",
                ),
                (
                    "es",
                    "El monitor dice sin señal",
                    "El monitor se queda negro con el mensaje sin señal al conectarlo al dock.",
                ),
                (
                    "en",
                    "No signal on monitor through docking station",
                    "Black monitor, no signal, connected via the dock.",
                ),
            ],
        ),
        "new_monitor": (
            "hardware",
            [
                ("en", "Request a second monitor", "I would like a second monitor for my desk."),
                ("es", "Solicito un segundo monitor", "Quisiera un segundo monitor para mi escritorio."),
                ("en", "Need an additional monitor", "Can I get an extra monitor? One screen is not enough."),
            ],
        ),
        "resolution": (
            "software",
            [
                (
                    "en",
                    "Wrong resolution on monitor",
                    "Everything looks stretched and blurry, the monitor resolution is wrong.",
                ),
                (
                    "es",
                    "Resolución incorrecta en el monitor",
                    "Todo se ve estirado y borroso, la resolución del monitor está mal.",
                ),
                (
                    "en",
                    "Monitor resolution blurry",
                    "Can't set the native resolution, text on the monitor is blurry.",
                ),
            ],
        ),
    },
    "excel": {
        "crash": (
            "software",
            [
                (
                    "en",
                    "Excel crashes when opening files",
                    "Excel closes by itself every time I open a large spreadsheet.",
                ),
                (
                    "es",
                    "Excel se cierra al abrir archivos",
                    "Excel se cierra solo cada vez que abro una hoja de cálculo grande.",
                ),
                ("en", "Excel keeps crashing", "Opening a big workbook makes Excel crash."),
            ],
        ),
        "license": (
            "software",
            [
                (
                    "en",
                    "Excel says unlicensed product",
                    "Excel shows unlicensed product and I can't edit files.",
                ),
                (
                    "es",
                    "Excel dice producto sin licencia",
                    "Excel muestra producto sin licencia y no puedo editar.",
                ),
                (
                    "en",
                    "Office license error in Excel",
                    "Excel went read only, says the license is not activated.",
                ),
            ],
        ),
        "macro": (
            "software",
            [
                (
                    "en",
                    "Macros blocked in Excel",
                    "Excel blocks the macros in our report template, security warning.",
                ),
                (
                    "es",
                    "Macros bloqueadas en Excel",
                    "Excel bloquea las macros de nuestra plantilla de informes, aviso de seguridad.",
                ),
                (
                    "en",
                    "Excel macro disabled by security",
                    "Can't run the macros, Excel says they have been blocked.",
                ),
            ],
        ),
        "shared_file": (
            "software",
            [
                (
                    "en",
                    "Excel file locked for editing by another user",
                    "The shared spreadsheet says it is locked for editing by someone who is not using it.",
                ),
                (
                    "es",
                    "Archivo de Excel bloqueado por otro usuario",
                    "La hoja compartida dice que está bloqueada para edición por alguien que no la usa.",
                ),
                (
                    "en",
                    "Shared workbook locked by another user",
                    "Can't edit the team Excel file, locked by another user.",
                ),
            ],
        ),
    },
    "access": {
        "folder": (
            "access",
            [
                (
                    "en",
                    "Need access to the finance shared folder",
                    "Please give me access to the finance folder on the file server.",
                ),
                (
                    "es",
                    "Necesito acceso a la carpeta compartida de finanzas",
                    "Por favor denme acceso a la carpeta de finanzas en el servidor de archivos.",
                ),
                ("en", "Access request for finance folder", "I get access denied opening the finance share."),
            ],
        ),
        "badge": (
            "access",
            [
                (
                    "en",
                    "My badge doesn't open the door",
                    "The access badge stopped working at the main entrance.",
                ),
                (
                    "es",
                    "Mi tarjeta no abre la puerta",
                    "La tarjeta de acceso dejó de funcionar en la entrada principal.",
                ),
                ("en", "Access card not working at entrance", "Badge reader shows red when I swipe my card."),
            ],
        ),
        "sap": (
            "access",
            [
                (
                    "en",
                    "New SAP account for new hire",
                    "Please create a SAP user for our new colleague starting Monday.",
                ),
                (
                    "es",
                    "Crear usuario de SAP para nuevo empleado",
                    "Por favor creen un usuario de SAP para el compañero que empieza el lunes.",
                ),
                ("en", "SAP access for new employee", "A new employee joins Monday and needs a SAP login."),
            ],
        ),
        "admin_rights": (
            "access",
            [
                (
                    "en",
                    "Need local admin rights",
                    "I need administrator rights on my PC to install development tools.",
                ),
                (
                    "es",
                    "Necesito permisos de administrador local",
                    "Necesito permisos de administrador en mi PC para instalar herramientas de desarrollo.",
                ),
                (
                    "en",
                    "Request admin rights on my computer",
                    "Please grant me local administrator access to install software.",
                ),
            ],
        ),
    },
}


def tellings() -> list[Telling]:
    return [
        Telling(f"{family}.{problem}", category, lang, title, description)
        for family, problems in FAMILIES.items()
        for problem, (category, told) in problems.items()
        for lang, title, description in told
    ]


def pairs() -> list[tuple[Telling, Telling, bool]]:
    """(a, b, same problem?): every two tellings of one problem, and for every two problems of
    a family two cross pairs (one in one language, one across languages)."""
    result: list[tuple[Telling, Telling, bool]] = []
    for family, problems in FAMILIES.items():
        told = {
            problem: [Telling(f"{family}.{problem}", category, *t) for t in texts]
            for problem, (category, texts) in problems.items()
        }
        for versions in told.values():
            result += [(a, b, True) for a, b in combinations(versions, 2)]
        for first, second in combinations(told, 2):
            a, b = told[first], told[second]
            result += [(a[0], b[2], False), (a[1], b[0], False)]
    return result


def precision_recall(decisions: list[tuple[bool, bool]]) -> tuple[float, float]:
    """(precision, recall) of (said same, is same) decisions."""
    hits = sum(1 for said, same in decisions if said and same)
    said = sum(1 for s, _ in decisions if s)
    same = sum(1 for _, s in decisions if s)
    return (hits / said if said else 1.0), (hits / same if same else 1.0)
