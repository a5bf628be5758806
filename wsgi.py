from governance import create_app

app = create_app()
