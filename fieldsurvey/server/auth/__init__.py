"""Who is asking: passwords, sessions and signed device requests, the sign-in throttle, role checks."""
