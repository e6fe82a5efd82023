"""The demo publication's masthead: its authors and topics (invented people, our own text)."""

PUBLICATION = {
    "name": "Atlas News",
    "description": "Independent reporting on trade, politics, climate and the cities we live in.",
    "accent_colour": "#1a5fb4",
    "language": "en",
    "timezone": "America/Toronto",
}

AUTHORS = [
    {
        "slug": "amara-okafor",
        "name": "Amara Okafor",
        "username": "amara",
        "bio": "Amara Okafor covers trade and diplomacy. She reported from Ottawa, Geneva and "
        "Singapore before joining Atlas News as its first staff writer.",
    },
    {
        "slug": "jonas-lindqvist",
        "name": "Jonas Lindqvist",
        "username": "jonas",
        "bio": "Jonas Lindqvist writes about cities, housing and transport, and reads every "
        "municipal budget so that you don't have to.",
    },
    {
        "slug": "priya-raman",
        "name": "Priya Raman",
        "username": "priya",
        "bio": "Priya Raman is the data editor. She covers climate, energy and public health, "
        "and checks the numbers in everything we publish.",
    },
]

TAGS = [
    {
        "slug": "trade",
        "name": "Trade",
        "description": "Tariffs, supply chains and the deals behind them.",
    },
    {
        "slug": "politics",
        "name": "Politics",
        "description": "Elections, parliaments and the people who run them.",
    },
    {
        "slug": "climate",
        "name": "Climate",
        "description": "Energy, emissions and adapting to a warmer world.",
    },
    {"slug": "cities", "name": "Cities", "description": "Housing, transit and local government."},
    {
        "slug": "economy",
        "name": "Economy",
        "description": "Jobs, prices, budgets and the forces that move them.",
    },
    {
        "slug": "health",
        "name": "Health",
        "description": "Public health, hospitals and the policies that shape care.",
    },
]
