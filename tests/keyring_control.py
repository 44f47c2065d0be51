"""Locks and unlocks the private test keyring over D-Bus, as a user or a screen lock would."""

from __future__ import annotations

import os

import secretstorage
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

_SERVICE = DBusAddress(
    "/org/freedesktop/secrets", bus_name="org.freedesktop.secrets", interface="org.freedesktop.Secret.Service"
)
# gnome-keyring's own interface: the only way to unlock without a GUI prompt.
_INTERNAL = DBusAddress(
    "/org/freedesktop/secrets",
    bus_name="org.freedesktop.secrets",
    interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
)


def _collection_path() -> str:
    connection = secretstorage.dbus_init()
    try:
        return str(secretstorage.get_default_collection(connection).collection_path)
    finally:
        connection.close()


def lock() -> None:
    connection = secretstorage.dbus_init()
    try:
        secretstorage.get_default_collection(connection).lock()
    finally:
        connection.close()


def is_locked() -> bool:
    connection = secretstorage.dbus_init()
    try:
        return bool(secretstorage.get_default_collection(connection).is_locked())
    finally:
        connection.close()


def unlock() -> None:
    password = os.environ["KEYHOLD_TEST_KEYRING_PASSWORD"].encode()
    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(new_method_call(_SERVICE, "OpenSession", "sv", ("plain", ("s", ""))))
        session = reply.body[1]
        message = new_method_call(
            _INTERNAL,
            "UnlockWithMasterPassword",
            "o(oayays)",
            (_collection_path(), (session, b"", password, "text/plain")),
        )
        connection.send_and_get_reply(message)
