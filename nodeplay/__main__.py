from nodeplay.cli import main

raise SystemExit(main())
