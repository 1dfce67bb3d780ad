from hindsight.cli.app import main

if __name__ == "__main__":  # parse workers (spawn) import this module again: run nothing then
    main()
