from nkwatch.cli.main import main

main()
