"""The `keyhold` subcommands, one module each: ``add_parser(sub)`` declares it, ``run(...)`` does it
through the core's services. ``desktop_client/cli.py`` parses and dispatches."""
