from django.urls import path

from collections_app.web import unsubscribe, voice

urlpatterns = [
    path(
        "webhooks/twilio/voice/answer/<int:message_id>/", voice.answer, name="twilio-voice-answer"
    ),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
