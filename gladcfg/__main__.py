from gladcfg.cli import main

main()
