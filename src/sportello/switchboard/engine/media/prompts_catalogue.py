"""The default IVR prompts: what each prompt says, in each caller language.

Plain, polite, short sentences. ``{n}`` is a number that espeak-ng reads in the prompt's language.
Keys with a number (``queue_position_7``, ``estimated_wait_5``, ``digit_3``) are expanded by
``catalogue()``.
"""

from __future__ import annotations

import math

LANGUAGES = ("it", "fr", "ca", "es", "en")
VOICES = {"it": "it", "fr": "fr", "ca": "ca", "es": "es", "en": "en"}

PROMPTS: dict[str, dict[str, str]] = {
    "welcome": {
        "it": "Benvenuti al servizio pubblico per l'impiego.",
        "fr": "Bienvenue au service public de l'emploi.",
        "ca": "Us donem la benvinguda al servei públic d'ocupació.",
        "es": "Le damos la bienvenida al servicio público de empleo.",
        "en": "Welcome to the public employment service.",
    },
    "main_menu": {
        "it": "Per la ricerca di lavoro, prema 1. Per le chiamate pubbliche, prema 2. "
        "Per l'aiuto digitale, prema 3. Per riascoltare questo menù, prema 9.",
        "fr": "Pour la recherche d'emploi, appuyez sur 1. Pour les appels publics à candidatures, "
        "appuyez sur 2. Pour l'aide numérique, appuyez sur 3. "
        "Pour réécouter ce menu, appuyez sur 9.",
        "ca": "Per a la recerca de feina, premeu 1. Per a les convocatòries públiques, premeu 2. "
        "Per a l'ajuda digital, premeu 3. Per tornar a escoltar aquest menú, premeu 9.",
        "es": "Para la búsqueda de empleo, pulse 1. Para las convocatorias públicas, pulse 2. "
        "Para la ayuda digital, pulse 3. Para volver a escuchar este menú, pulse 9.",
        "en": "For help finding work, press 1. For public hiring calls, press 2. "
        "For digital help, press 3. To hear this menu again, press 9.",
    },
    "closed": {
        "it": "Il servizio è chiuso in questo momento. "
        "La preghiamo di richiamare negli orari di apertura.",
        "fr": "Le service est fermé en ce moment. "
        "Merci de rappeler pendant les heures d'ouverture.",
        "ca": "El servei està tancat en aquest moment. "
        "Si us plau, torneu a trucar en horari d'atenció.",
        "es": "El servicio está cerrado en este momento. "
        "Por favor, vuelva a llamar en horario de atención.",
        "en": "The service is closed at the moment. Please call again during opening hours.",
    },
    "holiday": {
        "it": "Oggi il servizio è chiuso per festività. "
        "La preghiamo di richiamare in un altro giorno lavorativo.",
        "fr": "Le service est fermé aujourd'hui, jour férié. "
        "Merci de rappeler un autre jour ouvrable.",
        "ca": "Avui el servei està tancat per festiu. "
        "Si us plau, torneu a trucar un altre dia feiner.",
        "es": "Hoy el servicio está cerrado por festivo. "
        "Por favor, vuelva a llamar otro día laborable.",
        "en": "The service is closed today for a public holiday. "
        "Please call again on another working day.",
    },
    "callback_offer": {
        "it": "Se preferisce essere richiamato, prema 1. Manterrà il suo posto in coda.",
        "fr": "Si vous préférez être rappelé, appuyez sur 1. "
        "Vous garderez votre place dans la file d'attente.",
        "ca": "Si preferiu que us truquem, premeu 1. Conservareu el vostre lloc a la cua.",
        "es": "Si prefiere que le llamemos, pulse 1. Mantendrá su lugar en la cola.",
        "en": "If you would rather be called back, press 1. You will keep your place in the queue.",
    },
    "callback_confirmed": {
        "it": "Grazie. La richiameremo a questo numero appena un operatore sarà libero.",
        "fr": "Merci. Nous vous rappellerons à ce numéro dès qu'un conseiller sera disponible.",
        "ca": "Gràcies. Us trucarem a aquest número tan aviat com un agent estigui disponible.",
        "es": "Gracias. Le llamaremos a este número en cuanto haya un agente disponible.",
        "en": "Thank you. We will call you back on this number as soon as an agent is free.",
    },
    "callback_not_booked": {
        "it": "Ci scusiamo, non è stato possibile prenotare la richiamata. Resti in linea: un "
        "operatore le risponderà appena possibile.",
        "fr": "Désolés, nous n'avons pas pu enregistrer le rappel. Restez en ligne : un conseiller "
        "vous répondra dès que possible.",
        "ca": "Ho sentim, no hem pogut registrar la trucada de retorn. Espereu en línia: un agent "
        "us atendrà tan aviat com sigui possible.",
        "es": "Lo sentimos, no hemos podido registrar la devolución de la llamada. No cuelgue: un "
        "agente le atenderá lo antes posible.",
        "en": "Sorry, we could not book the callback. Please stay on the line: an agent will "
        "answer you as soon as possible.",
    },
    "callback_confirmed_typed": {
        "it": "Grazie. La richiameremo al numero indicato appena un operatore sarà libero.",
        "fr": "Merci. Nous vous rappellerons au numéro indiqué dès qu'un conseiller sera disponible.",
        "ca": "Gràcies. Us trucarem al número que heu indicat tan aviat com un agent estigui "
        "disponible.",
        "es": "Gracias. Le llamaremos al número que ha indicado en cuanto haya un agente disponible.",
        "en": "Thank you. We will call you back on the number you gave as soon as an agent is free.",
    },
    # Taking the number to call back (switchboard/callback_number.py).
    "callback_number_choice": {
        "it": "Per essere richiamato al numero da cui sta chiamando, prema 1. "
        "Per indicare un altro numero, prema 2.",
        "fr": "Pour être rappelé au numéro depuis lequel vous appelez, appuyez sur 1. "
        "Pour indiquer un autre numéro, appuyez sur 2.",
        "ca": "Perquè us truquem al número des del qual truqueu, premeu 1. "
        "Per indicar un altre número, premeu 2.",
        "es": "Para que le llamemos al número desde el que llama, pulse 1. "
        "Para indicar otro número, pulse 2.",
        "en": "To be called back on the number you are calling from, press 1. "
        "To give another number, press 2.",
    },
    "callback_number_withheld": {
        "it": "Il suo numero è nascosto. "
        "Digiti il numero al quale vuole essere richiamato, seguito dal tasto cancelletto.",
        "fr": "Votre numéro est masqué. "
        "Composez le numéro auquel vous souhaitez être rappelé, suivi de la touche dièse.",
        "ca": "El vostre número està ocult. "
        "Marqueu el número on voleu que us truquem, seguit de la tecla coixinet.",
        "es": "Su número está oculto. "
        "Marque el número al que quiere que le llamemos, seguido de la tecla almohadilla.",
        "en": "Your number is withheld. "
        "Please type the number to call you back on, followed by the hash key.",
    },
    "callback_number_type": {
        "it": "Digiti il numero al quale vuole essere richiamato, seguito dal tasto cancelletto.",
        "fr": "Composez le numéro auquel vous souhaitez être rappelé, suivi de la touche dièse.",
        "ca": "Marqueu el número on voleu que us truquem, seguit de la tecla coixinet.",
        "es": "Marque el número al que quiere que le llamemos, seguido de la tecla almohadilla.",
        "en": "Please type the number to call you back on, followed by the hash key.",
    },
    "callback_number_invalid": {
        "it": "Il numero digitato non è valido o non può essere chiamato.",
        "fr": "Ce numéro n'est pas valide ou ne peut pas être appelé.",
        "ca": "Aquest número no és vàlid o no s'hi pot trucar.",
        "es": "Este número no es válido o no se puede llamar.",
        "en": "Sorry, that number is not valid or cannot be called.",
    },
    "callback_number_read_back": {
        "it": "Ha digitato:",
        "fr": "Vous avez composé :",
        "ca": "Heu marcat:",
        "es": "Ha marcado:",
        "en": "You typed:",
    },
    "callback_number_confirm": {
        "it": "Se è corretto, prema 1. Per digitarlo di nuovo, prema 2.",
        "fr": "Si c'est correct, appuyez sur 1. Pour le composer à nouveau, appuyez sur 2.",
        "ca": "Si és correcte, premeu 1. Per tornar-lo a marcar, premeu 2.",
        "es": "Si es correcto, pulse 1. Para marcarlo de nuevo, pulse 2.",
        "en": "If this is right, press 1. To type it again, press 2.",
    },
    "callback_number_cancelled": {
        "it": "Non è stato possibile registrare un numero per la richiamata.",
        "fr": "Nous n'avons pas pu enregistrer de numéro pour le rappel.",
        "ca": "No hem pogut registrar cap número per tornar-vos la trucada.",
        "es": "No hemos podido registrar un número para devolverle la llamada.",
        "en": "Sorry, we could not take a number to call you back on.",
    },
    "voicemail_beep": {
        "it": "Lasci il suo messaggio dopo il segnale acustico.",
        "fr": "Laissez votre message après le bip.",
        "ca": "Deixeu el vostre missatge després del senyal.",
        "es": "Deje su mensaje después de la señal.",
        "en": "Please leave your message after the tone.",
    },
    "recording_consent": {
        "it": "Questa chiamata può essere registrata per migliorare il servizio. "
        "Se non è d'accordo, lo dica all'operatore.",
        "fr": "Cet appel peut être enregistré pour améliorer le service. "
        "Si vous n'êtes pas d'accord, dites-le au conseiller.",
        "ca": "Aquesta trucada es pot enregistrar per millorar el servei. "
        "Si no hi esteu d'acord, digueu-ho a l'agent.",
        "es": "Esta llamada puede ser grabada para mejorar el servicio. "
        "Si no está de acuerdo, dígaselo al agente.",
        "en": "This call may be recorded to improve our service. "
        "If you do not agree, please tell the agent.",
    },
    "goodbye": {
        "it": "Grazie per aver chiamato. Arrivederci.",
        "fr": "Merci de votre appel. Au revoir.",
        "ca": "Gràcies per la vostra trucada. Adéu.",
        "es": "Gracias por su llamada. Adiós.",
        "en": "Thank you for calling. Goodbye.",
    },
    "invalid_choice": {
        "it": "Scelta non valida. La preghiamo di riprovare.",
        "fr": "Choix non valide. Merci de réessayer.",
        "ca": "Opció no vàlida. Si us plau, torneu-ho a provar.",
        "es": "Opción no válida. Por favor, inténtelo de nuevo.",
        "en": "Sorry, that is not a valid choice. Please try again.",
    },
    "agent_whisper": {
        "it": "Chiamata in arrivo dalla coda.",
        "fr": "Appel entrant de la file d'attente.",
        "ca": "Trucada entrant de la cua.",
        "es": "Llamada entrante de la cola.",
        "en": "Incoming call from the queue.",
    },
    "agent_confirm": {  # to an agent on a mobile, before the caller is put through
        "it": "Chiamata dalla coda. Prema 1 per rispondere.",
        "fr": "Appel de la file d'attente. Appuyez sur 1 pour répondre.",
        "ca": "Trucada de la cua. Premeu 1 per respondre.",
        "es": "Llamada de la cola. Pulse 1 para atenderla.",
        "en": "A call from the queue. Press 1 to take it.",
    },
    "helpline_closed_menu": {  # the help-desk number outside opening hours
        "it": "L'aiuto digitale è chiuso in questo momento. "
        "Per prenotare un appuntamento in cui un facilitatore la richiamerà, prema 1. "
        "Per lasciare un messaggio, prema 2.",
        "fr": "L'aide numérique est fermée en ce moment. "
        "Pour prendre un rendez-vous où un médiateur vous rappellera, appuyez sur 1. "
        "Pour laisser un message, appuyez sur 2.",
        "ca": "L'ajuda digital està tancada en aquest moment. "
        "Per reservar una cita en què un mediador us trucarà, premeu 1. "
        "Per deixar un missatge, premeu 2.",
        "es": "La ayuda digital está cerrada en este momento. "
        "Para reservar una cita en la que un mediador le llamará, pulse 1. "
        "Para dejar un mensaje, pulse 2.",
        "en": "The digital help desk is closed at the moment. "
        "To book an appointment for a mediator to call you back, press 1. "
        "To leave a message, press 2.",
    },
    "appointment_booked": {
        "it": "Il suo appuntamento è prenotato: un facilitatore la richiamerà. "
        "Riceverà un SMS con il giorno e l'ora.",
        "fr": "Votre rendez-vous est réservé : un médiateur vous rappellera. "
        "Vous recevrez un SMS avec le jour et l'heure.",
        "ca": "La vostra cita està reservada: un mediador us trucarà. "
        "Rebreu un SMS amb el dia i l'hora.",
        "es": "Su cita está reservada: un mediador le llamará. "
        "Recibirá un SMS con el día y la hora.",
        "en": "Your call-back appointment is booked. "
        "You will receive a text message with the day and time.",
    },
    "appointment_failed": {
        "it": "Siamo spiacenti, non è stato possibile prenotare un appuntamento. "
        "La preghiamo di richiamare negli orari di apertura.",
        "fr": "Désolés, nous n'avons pas pu réserver de rendez-vous. "
        "Merci de rappeler pendant les heures d'ouverture.",
        "ca": "Ho sentim, no hem pogut reservar una cita. "
        "Si us plau, torneu a trucar en horari d'atenció.",
        "es": "Lo sentimos, no hemos podido reservar una cita. "
        "Por favor, vuelva a llamar en horario de atención.",
        "en": "Sorry, we could not book a call-back. Please call again during opening hours.",
    },
}

MAX_QUEUE_POSITION = 20
QUEUE_POSITION = {
    "it": "Lei è il numero {n} in coda.",
    "fr": "Vous êtes le numéro {n} dans la file d'attente.",
    "ca": "Sou el número {n} de la cua.",
    "es": "Usted es el número {n} en la cola.",
    "en": "You are number {n} in the queue.",
}
QUEUE_POSITION_MANY = {
    "it": "Ci sono più di venti persone in attesa prima di lei.",
    "fr": "Plus de vingt personnes attendent avant vous.",
    "ca": "Hi ha més de vint persones esperant davant vostre.",
    "es": "Hay más de veinte personas esperando antes que usted.",
    "en": "More than twenty people are waiting ahead of you.",
}

WAIT_MINUTES = (1, 2, 3, 4, 5, 10, 15, 20, 30)
ESTIMATED_WAIT = {  # (one minute, several minutes)
    "it": ("L'attesa stimata è di circa {n} minuto.", "L'attesa stimata è di circa {n} minuti."),
    "fr": (
        "L'attente estimée est d'environ {n} minute.",
        "L'attente estimée est d'environ {n} minutes.",
    ),
    "ca": (
        "El temps d'espera estimat és d'aproximadament {n} minut.",
        "El temps d'espera estimat és d'aproximadament {n} minuts.",
    ),
    "es": (
        "El tiempo de espera estimado es de aproximadamente {n} minuto.",
        "El tiempo de espera estimado es de aproximadamente {n} minutos.",
    ),
    "en": ("The estimated wait is about {n} minute.", "The estimated wait is about {n} minutes."),
}
ESTIMATED_WAIT_LONG = {
    "it": "L'attesa stimata è di oltre trenta minuti.",
    "fr": "L'attente estimée est de plus de trente minutes.",
    "ca": "El temps d'espera estimat és de més de trenta minuts.",
    "es": "El tiempo de espera estimado es de más de treinta minutos.",
    "en": "The estimated wait is more than thirty minutes.",
}

# A typed number is read back one digit at a time: ``digit_0`` ... ``digit_9``.
DIGITS = {
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "ca": ("zero", "u", "dos", "tres", "quatre", "cinc", "sis", "set", "vuit", "nou"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}

# One prompt for every caller, each option spoken in its own language; digit = position + 1.
CHOOSE_LANGUAGE = {
    "it": "Per l'italiano, prema 1.",
    "fr": "Pour le français, appuyez sur 2.",
    "ca": "Per al català, premeu 3.",
    "es": "Para español, pulse 4.",
    "en": "For English, press 5.",
}
COMMON_KEYS = ("choose_language", "music_on_hold")


def catalogue(language: str) -> dict[str, str]:
    """Every per-language prompt key with its text, numbered keys expanded."""
    texts = {key: by_language[language] for key, by_language in PROMPTS.items()}
    for n in range(1, MAX_QUEUE_POSITION + 1):
        texts[f"queue_position_{n}"] = QUEUE_POSITION[language].format(n=n)
    texts["queue_position_many"] = QUEUE_POSITION_MANY[language]
    one, several = ESTIMATED_WAIT[language]
    for n in WAIT_MINUTES:
        texts[f"estimated_wait_{n}"] = (one if n == 1 else several).format(n=n)
    texts["estimated_wait_long"] = ESTIMATED_WAIT_LONG[language]
    for n, word in enumerate(DIGITS[language]):
        texts[f"digit_{n}"] = word
    return texts


def queue_position_key(position: int) -> str:
    if position < 1:
        raise ValueError("queue positions start at 1")
    return f"queue_position_{position}" if position <= MAX_QUEUE_POSITION else "queue_position_many"


def estimated_wait_key(seconds: float) -> str:
    """The prompt for a wait, rounded up to the next catalogued number of minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    rounded = next((m for m in WAIT_MINUTES if m >= minutes), None)
    return f"estimated_wait_{rounded}" if rounded is not None else "estimated_wait_long"


def language_digit(language: str) -> str:
    """The digit a caller presses to choose ``language`` in the choose_language prompt."""
    return str(list(CHOOSE_LANGUAGE).index(language) + 1)
