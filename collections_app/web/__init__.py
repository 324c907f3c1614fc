"""Pages and endpoints outsiders reach: Twilio's voice requests, email unsubscribe links."""
