from fieldsurvey.cli import main

raise SystemExit(main())
