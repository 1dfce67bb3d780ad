from hindsight.cli.app import main

main()
