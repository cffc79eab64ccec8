"""`ticketbot engineers add | list | remove`: who gets tickets assigned."""

from __future__ import annotations

import argparse

from slack_sdk.errors import SlackApiError

from bot.cli_support import CliError, database
from bot.config import Settings
from storage.errors import InvalidInput


def register(commands: argparse._SubParsersAction) -> None:
    engineers = commands.add_parser("engineers", help="manage engineers").add_subparsers(
        dest="engineers_command", required=True
    )
    add = engineers.add_parser("add", help="register a Slack user as an engineer")
    add.add_argument("user_id", help="Slack user id, like U0123ABCD")
    add.add_argument("--specialty", required=True, help='e.g. "Redes y Servidores"')
    add.add_argument("--phone", help="optional phone number")
    add.set_defaults(handler=cmd_engineers_add)
    engineers.add_parser("list", help="list engineers").set_defaults(handler=cmd_engineers_list)
    remove = engineers.add_parser("remove", help="remove an engineer")
    remove.add_argument("user_id")
    remove.set_defaults(handler=cmd_engineers_remove)


def cmd_engineers_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import web_client
    from handlers.directory import UnknownUser, lookup, parse_user_id
    from storage.people import People

    settings.require("SLACK_BOT_TOKEN")
    try:
        user_id = parse_user_id(args.user_id)
        profile = lookup(web_client(settings, retries=True), user_id)
    except UnknownUser as error:
        raise CliError(str(error)) from None
    except SlackApiError as error:
        raise CliError(f"Slack refused users.info: {error.response.get('error')}") from None
    try:
        created = People(database(settings)).add_engineer(profile, args.specialty, args.phone)
    except InvalidInput as error:
        raise CliError("--specialty must be 1 to 100 characters") from error
    verb = "added" if created else "updated"
    print(f"{verb} engineer {profile.real_name or profile.name} ({user_id}) — {args.specialty.strip()}")
    return 0


def cmd_engineers_list(settings: Settings, args: argparse.Namespace) -> int:
    from storage.people import People

    loads = People(database(settings)).engineers()
    if not loads:
        print("no engineers yet: add one with `ticketbot engineers add U0123ABCD --specialty …`")
        return 0
    print(f"{'USER':<12} {'NAME':<24} {'SPECIALTY':<28} {'PHONE':<14} {'AVAILABLE':<9} OPEN")
    for e in loads:
        print(
            f"{e.user_id:<12} {e.display[:24]:<24} {e.specialty[:28]:<28} {(e.phone or '-')[:14]:<14} "
            f"{'yes' if e.available else 'no':<9} {e.open_tickets}"
        )
    return 0


def cmd_engineers_remove(settings: Settings, args: argparse.Namespace) -> int:
    from handlers.directory import UnknownUser, parse_user_id
    from storage.people import People

    try:
        user_id = parse_user_id(args.user_id)
    except UnknownUser as error:
        raise CliError(str(error)) from None
    if not People(database(settings)).remove_engineer(user_id):
        raise CliError(f"{user_id} is not an engineer")
    print(f"removed engineer {user_id}")
    return 0
