from ideovault.cli import main

main()
