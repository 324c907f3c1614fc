"""Django's own strings that its zh_Hans catalogue (Django 5.2) does not translate yet.

Kept in our catalogue, which Django reads first (LOCALE_PATHS), so a Chinese agent does not
meet them in English: the admin's column headings a screen reader reads out, the password
reset and login pages. Nothing calls this module; the catalogue's extraction reads it. Drop an
entry once Django ships it (`tests/i18n` lists Django's gaps that remain).
"""

from django.utils.translation import gettext_noop, ngettext

DJANGO_ADMIN = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),  # noqa: RUF001 (Django's msgid)
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),  # noqa: RUF001
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
)


def _password_too_short(n: int) -> str:  # django.contrib.auth's password validator
    return ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        n,
    )
