"""Program and sub-program policies: networks, cadence (caps, hours, spreading), gamification."""
