from pinn.app.cli import main

raise SystemExit(main())
