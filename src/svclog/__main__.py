from svclog.cli.main import run

run()
