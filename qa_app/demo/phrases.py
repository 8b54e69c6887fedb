"""Phrase banks for demo transcripts: plain data, filled with ``str.format`` slots.

Slots every template may use: {agent} {customer} {cust_last} {company} {order} {amount}
{amount2} {product} {plan} {date} {days} {ticket} {postcode} {dob} {last4} {fee} {offer}
{nth} {times} {house} {street}. Lines are grouped by issue and by customer mood
("calm" | "confused" | "angry") so that the text carries the hidden truth, noisily.
"""

COMPANY = "Northwind"

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hannah",
    "Ibrahim",
    "Jack",
    "Keiko",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yasmin",
    "Zoe",
    "Amara",
    "Bruno",
    "Carmen",
    "Dev",
    "Emeka",
    "Fatima",
    "Gabriel",
    "Hiro",
    "Isla",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Oscar",
    "Paula",
    "Rahul",
    "Sofia",
    "Tomasz",
    "Valentina",
    "Wei",
    "Yusuf",
    "Zara",
    "Aaron",
    "Bianca",
    "Callum",
    "Delia",
    "Ethan",
    "Freya",
    "Gustavo",
    "Helena",
    "Ivan",
    "Jade",
]
LAST_NAMES = [
    "Adeyemi",
    "Bauer",
    "Castillo",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Murphy",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Ahmed",
    "Brennan",
    "Costa",
    "Duarte",
    "Eriksen",
    "Fernandes",
    "Grant",
    "Hughes",
    "Iyer",
    "Jovanovic",
    "Khan",
    "Lopez",
    "Mensah",
    "Novak",
    "Oliveira",
    "Petrov",
    "Reyes",
    "Schmidt",
    "Thompson",
    "Van",
    "Dijk",
    "Wright",
    "Young",
]
STREETS = ("Mill Lane", "Station Road", "Park Avenue", "Church Street", "Oak Close", "High Street")
PRODUCTS = (
    "Aero 3 router",
    "Pulse smart speaker",
    "Nova 12 tablet",
    "Terra blender",
    "Orbit wireless earbuds",
    "Halo desk lamp",
    "Vista 4K monitor",
    "Summit hiking boots",
    "Breeze air purifier",
)
PLANS = ("Fibre 150", "Fibre 500", "Premium Plus", "Family Bundle", "Basic Monthly")
FEES = ("late payment fee", "paper billing charge", "admin fee", "early upgrade charge")
OFFERS = (
    "three months at half price",
    "a free speed upgrade for a year",
    "a £10 monthly discount",
    "the next two months free",
)
ORDINALS = ("second", "third", "fourth", "fifth")

# Issue scenarios. "id" says whether the issue needs an identity check (compliance).
ISSUES: dict[str, dict] = {
    "double_charge": {
        "topic": "billing",
        "id": True,
        "difficulty": 0.0,
        "calm": [
            "Hi, I think I've been charged twice this month, there are two payments of {amount}.",
            "Hello, I noticed two identical charges of {amount} on my statement on {date}.",
            "I'm calling about my bill, it looks like you took {amount} twice.",
        ],
        "confused": [
            "Hi, sorry, I'm looking at my bank app and there are two payments to {company}, "
            "both {amount}, and I don't know why.",
            "I'm a bit lost, my statement shows {amount} and then {amount} again, is that right?",
        ],
        "angry": [
            "You've taken {amount} out of my account twice and now I'm overdrawn.",
            "Why have you charged me twice? {amount} twice, on {date}. I need that money back now.",
            "I've been double charged again. {amount}, twice. This keeps happening.",
        ],
        "ask": [
            "Can you tell me the date the payments went out?",
            "Which card or account were the payments taken from?",
            "Do both payments show as completed, or is one still pending?",
        ],
        "detail": [
            "Both went out on {date}, same amount, {amount}.",
            "It's the card ending {last4}.",
            "One says pending and the other is already gone, I think.",
        ],
        "fix": [
            "I can see the duplicate payment, it was a system error on our side. I've refunded "
            "{amount} and you'll see it back in three to five working days.",
            "You're right, the second charge shouldn't be there. I've reversed it and added a "
            "note so it doesn't repeat next month.",
        ],
        "unresolved": [
            "I can see both payments but I'm not able to refund from here. I've raised ticket "
            "{ticket} with billing and they'll be in touch in about {days} days.",
            "I'll need the payments team to investigate, I've logged it as {ticket}.",
        ],
        "wrong": [
            "The second one is just a pre-authorisation, it will drop off on its own by tonight.",
            "That's normal, everyone gets charged twice in the first month.",
        ],
        "recap": [
            "the extra charge of {amount} has been dealt with",
            "the double charge is still being looked into",
        ],
    },
    "unexpected_fee": {
        "topic": "billing",
        "id": True,
        "difficulty": 0.3,
        "calm": [
            "Hi, there's a {fee} of {amount2} on my latest bill and I'm not sure what it's for.",
            "Hello, could you explain the {fee} on my account? It's {amount2}.",
        ],
        "confused": [
            "My bill went up by {amount2} and it says something about a {fee}? I didn't change "
            "anything.",
            "I don't understand my bill, what is a {fee}?",
        ],
        "angry": [
            "Nobody told me about a {fee}. {amount2} for nothing, it's a rip-off.",
            "I've been hit with a {fee} of {amount2} and I never agreed to that.",
        ],
        "ask": [
            "Are you on paper or online billing at the moment?",
            "Did your payment go out on the usual date last month?",
            "When did you first notice the {fee}?",
        ],
        "detail": [
            "I think I'm on paper, I get letters from you.",
            "It was a couple of days late because my card expired.",
            "Only on this bill, the one dated {date}.",
        ],
        "fix": [
            "That {fee} was applied because the payment was late. As it's the first time, I've "
            "removed the {amount2} and switched you to reminders by text.",
            "I've waived the {fee} as a goodwill gesture and moved you to online billing, so it "
            "won't come back.",
        ],
        "unresolved": [
            "I'm afraid the {fee} is part of your {plan} terms, so I can't remove it.",
            "I can't take that fee off, but I've asked billing to review it under {ticket}.",
        ],
        "wrong": [
            "That fee is a one-off government charge, every provider has it.",
            "If you just ignore it, it disappears from the next bill automatically.",
        ],
        "recap": ["the {fee} has been sorted out", "the {fee} stays on the bill for now"],
    },
    "late_parcel": {
        "topic": "delivery",
        "id": False,
        "difficulty": 0.2,
        "calm": [
            "Hi, my order {order} was due on {date} and it hasn't arrived yet.",
            "Hello, I'm just checking on order {order}, the {product}. Tracking hasn't moved.",
        ],
        "confused": [
            "The tracking for {order} says delivered but I haven't got anything?",
            "I'm not sure where my {product} is, it said {date} and now it says 'in transit'.",
        ],
        "angry": [
            "My {product} was supposed to be here on {date}. I took a day off work for this.",
            "Order {order} is over a week late and nobody has told me anything.",
            "Where is my parcel? I paid for next day delivery for the {product}.",
        ],
        "ask": [
            "Could you give me the order number, please?",
            "Have you checked with your neighbours or your safe place?",
            "Is the delivery address still {house} {street}?",
        ],
        "detail": [
            "It's {order}.",
            "Yes, I've asked next door, nothing.",
            "Yes, {house} {street}, {postcode}.",
        ],
        "fix": [
            "The courier had it stuck at the depot. I've arranged a priority redelivery for "
            "tomorrow and refunded the delivery charge.",
            "I've sent a replacement by next-day courier and cancelled the original order {order}.",
        ],
        "unresolved": [
            "I've opened an investigation with the courier, reference {ticket}. It can take up to "
            "{days} working days.",
            "There's nothing more I can see, you'll have to wait for the courier to update.",
        ],
        "wrong": [
            "If it says delivered, it was delivered, so there's nothing we can do.",
            "Parcels are always delivered within 24 hours of this status, it'll come tonight.",
        ],
        "recap": [
            "your order {order} is back on its way",
            "we're still waiting on the courier for {order}",
        ],
    },
    "wrong_item": {
        "topic": "delivery",
        "id": False,
        "difficulty": 0.2,
        "calm": [
            "Hi, I ordered a {product} but I received something else entirely.",
            "Hello, order {order} arrived but it's the wrong item.",
        ],
        "confused": [
            "I got a box today but I don't think it's what I ordered? It was meant to be a "
            "{product}.",
            "Um, the parcel for {order} has someone else's name on the slip inside.",
        ],
        "angry": [
            "You sent me the wrong thing. Again. I ordered a {product}.",
            "I opened order {order} and it's not my {product}, it's a birthday present, "
            "the birthday is on {date}.",
        ],
        "ask": [
            "What did you receive instead?",
            "Is the packaging still sealed?",
            "Could you confirm the order number on the packing slip?",
        ],
        "detail": [
            "Some kind of kitchen scale, nothing like a {product}.",
            "Yes, I haven't opened the inner box.",
            "The slip says {order}.",
        ],
        "fix": [
            "I'm so sorry about that. I've dispatched the correct {product} today and emailed a "
            "prepaid return label for the wrong item.",
            "I've sent the right {product} by express and you can drop the other one at any "
            "post office, the label is in your email.",
        ],
        "unresolved": [
            "You'll need to return the item first, then we can send the right one.",
            "The warehouse needs to confirm stock before I can send a replacement, ticket "
            "{ticket}.",
        ],
        "wrong": [
            "You'll have to pay the return postage yourself, that's our policy.",
            "Just keep the wrong item, your {product} will arrive anyway.",
        ],
        "recap": ["the right {product} is being sent", "the replacement isn't sent yet"],
    },
    "no_internet": {
        "topic": "technical",
        "id": False,
        "difficulty": 0.4,
        "calm": [
            "Hi, my internet has been down since this morning, the light on the {product} is red.",
            "Hello, I've had no connection since {date} on my {plan} line.",
        ],
        "confused": [
            "My wifi isn't working and I've turned it off and on. What else do I do?",
            "I'm not very technical, the internet just stopped and there's an orange light.",
        ],
        "angry": [
            "I work from home and I've had no internet for two days. Two days!",
            "My broadband keeps dropping every ten minutes and I'm paying for {plan}.",
            "The internet is down again. I've lost a whole day of work.",
        ],
        "ask": [
            "What colour is the light on the front of the router?",
            "Could you try a different cable into the grey port for me?",
            "Are any other devices able to connect?",
        ],
        "detail": [
            "It's flashing orange.",
            "Okay, I've swapped it, still nothing.",
            "No, nothing connects, not even the TV.",
        ],
        "fix": [
            "I can see a fault on the line and I've reset it remotely. The light should go "
            "white in a couple of minutes. Can you check for me?",
            "There was a configuration issue with your {product}, I've pushed a fix and you're "
            "back online.",
        ],
        "unresolved": [
            "There's an outage in your area, engineers are on it, reference {ticket}.",
            "I'll need to book an engineer, the earliest slot is in {days} days.",
        ],
        "wrong": [
            "It's your wifi, not our line, you'll need to buy a booster.",
            "Just leave it off overnight, that always fixes it.",
        ],
        "recap": ["your connection is working again", "the fault on your line is still open"],
    },
    "app_crash": {
        "topic": "technical",
        "id": False,
        "difficulty": 0.3,
        "calm": [
            "Hi, the {company} app keeps crashing when I open my account page.",
            "Hello, the app closes every time I try to pay my bill.",
        ],
        "confused": [
            "The app just goes white and then closes, is it my phone?",
            "I updated the app and now I can't get past the login screen, I'm not sure why.",
        ],
        "angry": [
            "Your app is useless, it's crashed every day this week.",
            "I can't pay my bill because your app keeps crashing, and then you charge me a fee.",
        ],
        "ask": [
            "Which phone and operating system are you using?",
            "Have you tried reinstalling the app since the last update?",
            "Does it crash straight away or after you log in?",
        ],
        "detail": [
            "It's an Android phone, about two years old.",
            "Yes, I reinstalled it yesterday.",
            "After I log in, on the account page.",
        ],
        "fix": [
            "That's a known bug in the last update. If you clear the app cache and update to "
            "today's version it's fixed, let's do it together now.",
            "I've reset your app session from our side, please log in again. It should work now.",
        ],
        "unresolved": [
            "I've reported it to our developers under {ticket}, a fix is expected in the next "
            "release.",
            "I can't fix the app from here, please use the website for now.",
        ],
        "wrong": [
            "Your phone is too old, the app doesn't support it any more.",
            "You'll need to create a new account to fix that.",
        ],
        "recap": ["the app is working again", "the app problem is still open"],
    },
    "cancel_contract": {
        "topic": "cancellation",
        "id": True,
        "difficulty": 0.1,
        "calm": [
            "Hi, I'd like to cancel my {plan} contract please, I'm moving house.",
            "Hello, I'm calling to cancel my subscription, I've found a cheaper deal.",
            "I'd like to cancel my account, nothing's wrong, I just don't use it any more.",
        ],
        "confused": [
            "How do I cancel? I've looked on the website and can't find it.",
            "I want to cancel my {plan} but I'm not sure if I'm still in contract.",
        ],
        "angry": [
            "I want to cancel. Today. After everything that's happened I'm done with {company}.",
            "Cancel my account. Your prices went up again and nobody told me.",
        ],
        "ask": [
            "Can I ask what's prompted you to leave?",
            "When would you like the cancellation to take effect?",
            "Are you aware you're in contract until {date}?",
        ],
        "detail": [
            "It's mostly the price, to be honest.",
            "From the end of this month, please.",
            "I thought it ended last month.",
        ],
        "fix": [
            "Before you go, I can offer you {offer} if you'd like to stay.",
            "I can see you've been with us a while, I can offer {offer} to keep you on {plan}.",
        ],
        "unresolved": [
            "I can't process cancellations on this line, you'll need to write in.",
            "Cancellations take {days} days to process, I've started it under {ticket}.",
        ],
        "wrong": [
            "There's no early exit fee, so you can leave any time for free.",
            "Cancelling will also delete your email address straight away.",
        ],
        "recap": ["your {plan} account is updated as we agreed", "the cancellation isn't done yet"],
    },
    "refund_status": {
        "topic": "refund",
        "id": True,
        "difficulty": 0.3,
        "calm": [
            "Hi, I returned a {product} on {date} and I'm waiting for my refund of {amount}.",
            "Hello, just checking on a refund for order {order}.",
        ],
        "confused": [
            "I sent the {product} back but I don't know if you got it, and there's no refund yet.",
            "Was I supposed to get an email about my refund? I haven't seen {amount} come back.",
        ],
        "angry": [
            "I sent the {product} back weeks ago and I still haven't had my {amount}.",
            "Where is my refund? You were quick enough to take the money.",
        ],
        "ask": [
            "Do you have the returns tracking number?",
            "How did you originally pay for the order?",
            "Do you remember which day it was dropped off?",
        ],
        "detail": [
            "I've got a receipt from the post office, it was {date}.",
            "With my card ending {last4}.",
            "It was the day after it arrived, so around {date}.",
        ],
        "fix": [
            "I can see the return arrived at the warehouse but wasn't processed. I've processed "
            "the refund of {amount} now, it'll show in three to five working days.",
            "The refund of {amount} went out yesterday, you should see it by the end of the week.",
        ],
        "unresolved": [
            "The warehouse hasn't scanned it in yet, I've chased them under {ticket}.",
            "I can't see the return, you'll need to send us proof of postage.",
        ],
        "wrong": [
            "Refunds always take up to 60 days, there's nothing we can do.",
            "The money goes back instantly, check your bank again.",
        ],
        "recap": ["your refund of {amount} is on its way", "the refund is still pending"],
    },
    "return_refund": {
        "topic": "refund",
        "id": True,
        "difficulty": 0.2,
        "calm": [
            "Hi, I'd like to return the {product} from order {order}, it's not quite right.",
            "Hello, can I get a refund on a {product}? It arrived damaged.",
        ],
        "confused": [
            "How do I send something back? The {product} doesn't fit what I need.",
            "Am I still allowed to return the {product}? I bought it on {date}.",
        ],
        "angry": [
            "The {product} broke after two days. I want my {amount} back, not a replacement.",
            "This {product} is faulty and I want a full refund.",
        ],
        "ask": [
            "Could you tell me what's wrong with it?",
            "Do you still have the original packaging?",
            "Would you prefer a refund or an exchange?",
        ],
        "detail": [
            "The screen flickers and then it turns itself off.",
            "I've still got the box, yes.",
            "A refund, please.",
        ],
        "fix": [
            "That's within the 30-day window, so I've emailed a free return label and the "
            "refund of {amount} will be issued as soon as it arrives.",
            "As it's faulty, I've refunded {amount} straight away, no need to wait for the return.",
        ],
        "unresolved": [
            "Faulty items have to go to the manufacturer first, I've logged {ticket}.",
            "I can only offer a repair on that item, not a refund.",
        ],
        "wrong": [
            "You're outside the return window, so there's no refund possible.",
            "Damaged items can't be returned once opened.",
        ],
        "recap": ["the return of the {product} is set up", "the refund isn't agreed yet"],
    },
    "locked_out": {
        "topic": "account",
        "id": True,
        "difficulty": 0.3,
        "calm": [
            "Hi, I'm locked out of my online account after too many attempts.",
            "Hello, my account says it's locked, can you unlock it please?",
        ],
        "confused": [
            "It says my account is suspended? I don't know what I did.",
            "I keep getting an error when I log in, something about too many tries.",
        ],
        "angry": [
            "I've been locked out of my account for three days and I can't pay my bill.",
            "Your security system locked me out again. I need access now.",
        ],
        "ask": [
            "Which email address do you use to sign in?",
            "When did you last log in successfully?",
            "Did you receive a security email from us recently?",
        ],
        "detail": [
            "It's {customer}.{cust_last} at my usual email.",
            "About a month ago, I think.",
            "I got one about a new device, I think it was on {date}.",
        ],
        "fix": [
            "I've unlocked the account and sent a reset link to your email, it's valid for one "
            "hour.",
            "The lock was triggered by an old password saved on your phone. I've cleared it and "
            "you can log in now.",
        ],
        "unresolved": [
            "For security the lock has to expire on its own, it'll take {days} days.",
            "I've raised {ticket} with our security team, they'll email you.",
        ],
        "wrong": [
            "Locked accounts are closed permanently, you'll need a new one.",
            "Just share your password with me and I'll log in for you.",
        ],
        "recap": ["you can get back into your account now", "the account is still locked"],
    },
    "password_reset": {
        "topic": "account",
        "id": True,
        "difficulty": 0.1,
        "calm": [
            "Hi, the password reset email never arrives, can you help?",
            "Hello, I've forgotten my password and the reset link doesn't work.",
        ],
        "confused": [
            "I pressed 'forgot password' but nothing happened, do I need to do something else?",
            "The link says it's expired, I only clicked it a minute ago?",
        ],
        "angry": [
            "I've requested a password reset five times and got nothing.",
            "Your password reset is broken and I'm stuck.",
        ],
        "ask": [
            "Can you check your spam or junk folder?",
            "Which email address are you using for the reset?",
            "Are you opening the link on the same device?",
        ],
        "detail": [
            "Nothing in spam either.",
            "My main one, same as always.",
            "No, I open it on my phone.",
        ],
        "fix": [
            "Your email address had a typo on our system, I've corrected it and sent a new link.",
            "I've sent a fresh reset link, it should arrive within a minute. Can you see it?",
        ],
        "unresolved": [
            "Our email system is delayed today, please try again tomorrow.",
            "I'll ask IT to look at it, reference {ticket}.",
        ],
        "wrong": [
            "I can read out your current password if you like.",
            "The link only works on a computer, not on phones.",
        ],
        "recap": ["your password reset is working now", "the reset problem is still open"],
    },
}

# Conversation moves shared by all issues.
GREETING = {
    "call": [
        "Thank you for calling {company}, my name is {agent}, how can I help you today?",
        "Hello, you're through to {company} customer support, {agent} speaking. How can I help?",
        "Hi there, thanks for holding, this is {agent} at {company}. What can I do for you?",
        "Good day, {company}, you're speaking with {agent}. How may I help?",
        "Thanks for calling {company}. I'm {agent}, who am I speaking with today?",
    ],
    "chat": [
        "Hi {customer}, you're chatting with {agent} from {company}. How can I help today?",
        "Hello {customer}! I'm {agent}, thanks for getting in touch. What can I help with?",
        "Hi, thanks for contacting {company}, {agent} here. How can I help you?",
        "Welcome to {company} chat, {customer}. My name's {agent}, what can I do for you?",
    ],
    "email": [
        "Dear {customer}, thank you for your email and for getting in touch with {company}.",
        "Hello {customer}, thanks for contacting {company} support, I'm {agent} and I'll be "
        "looking after your query.",
        "Hi {customer}, thank you for your message.",
    ],
}
NO_GREETING = {
    "call": ["Yeah, {company}.", "Support. What's the problem?", "Hello?", "Go ahead."],
    "chat": ["what's the issue", "Yes?", "hi", "Go ahead"],
    "email": ["{customer},", "Re your email.", "Hi."],
}
EMPATHY = {
    "angry": [
        "I'm really sorry, I can hear how frustrating this has been for you.",
        "I completely understand why you're upset, I'd feel the same. Let's get this sorted.",
        "I'm sorry you've had to chase this, that's not the experience we want for you.",
        "That sounds really stressful, and I apologise. I'll do everything I can today.",
    ],
    "confused": [
        "No problem at all, I'll walk you through it step by step.",
        "That's a really common question, don't worry, I'll explain.",
        "Don't worry, you've done nothing wrong, let's look together.",
    ],
    "calm": [
        "Thanks for letting us know, and sorry for the trouble.",
        "I'm sorry about that, I'll take a look for you now.",
        "Of course, I'm happy to help with that.",
    ],
}
NEUTRAL_ACK = ["Okay, let me have a look.", "Right, I can help with that.", "Sure, one second."]
COLD_ACK = [
    "Okay.",
    "Right.",
    "Well, these things happen.",
    "That's not really something I can control.",
    "Fine. What's the account?",
]
VERIFY = [
    (
        "Before I look into this, can I take your full name and the postcode on the account?",
        "Sure, it's {customer} {cust_last}, {postcode}.",
    ),
    (
        "For security, could you confirm your date of birth and the first line of your address?",
        "{dob}, and it's {house} {street}.",
    ),
    (
        "Can you confirm the last four digits of the card on the account, please?",
        "It ends in {last4}.",
    ),
    (
        "I just need to verify a couple of details first. What's your full name and date of birth?",
        "{customer} {cust_last}, born {dob}.",
    ),
]
VERIFY_OK = [
    "Thank you, that's all verified.",
    "Perfect, thanks, I've got your account up.",
    "Great, you're verified. Thanks for that.",
]
HOLD_ASK_GOOD = [
    "Would you mind if I place you on a brief hold while I check this with the team?",
    "I'll place you on a brief hold for a couple of minutes, is that okay?",
    "Can I put you on hold for a moment while I look into this properly?",
]
HOLD_ASK_BAD = ["I'll place you on a brief hold.", "Hold on.", "Wait a sec.", "Hang on."]
HOLD_OK = {
    "calm": ["Sure, no problem.", "Of course.", "Yes, that's fine."],
    "confused": ["Oh, okay.", "Okay, I'll wait."],
    "angry": ["Fine, but please be quick.", "Again? Okay.", "Don't leave me there forever."],
}
HOLD_BACK_GOOD = [
    "Thank you so much for holding, {customer}.",
    "Thanks for your patience, I've got an update for you.",
    "Sorry for the wait, and thanks for bearing with me.",
]
HOLD_BACK_BAD = ["Okay, so.", "Right, I'm back.", "Yeah so.", "Okay."]
LONG_HOLD_COMPLAINT = [
    "That was a really long wait.",
    "I've been sitting here for ages.",
    "I nearly hung up, that took forever.",
]
CHAT_WAIT = ["Let me check that for you, one moment please.", "Give me a few minutes to look."]
ANGRY_ASIDE = [
    "This is ridiculous.",
    "Honestly, this is unacceptable.",
    "I'm really fed up with this.",
    "Why is nobody able to fix this?",
    "I've wasted my whole morning on this.",
    "You people never get anything right.",
    "I'm paying good money for this service.",
]
CONFUSED_ASIDE = [
    "Sorry, I don't really understand.",
    "What does that mean exactly?",
    "I'm not very good with this sort of thing.",
    "Sorry, can you say that again?",
]
ASIDE = {"angry": ANGRY_ASIDE, "confused": CONFUSED_ASIDE}
REPEAT = [
    "This is the {nth} time I'm calling about this.",
    "I've already been in touch about this {times}.",
    "I spoke to someone last week and was told it would be fixed.",
    "It's the {nth} time I'm contacting you about the same thing.",
    "I was promised a call back and never got one.",
]
MANAGER = [
    "I want to speak to a manager.",
    "Can I talk to your supervisor, please?",
    "Put me through to someone senior.",
    "I'd like this escalated to a manager.",
]
COMPLAINT = [
    "I'll file a complaint.",
    "I want to make a formal complaint about this.",
    "I'm going to report this to the ombudsman.",
    "I'll be leaving a review about this, and a complaint.",
]
CANCEL_THREAT = [
    "If this isn't fixed I'll cancel my account.",
    "I'm seriously thinking about cancelling everything with you.",
    "Honestly, I'm ready to cancel my account.",
]
DEESCALATE = [
    "I understand, and I'd like to try to fix this for you right now first.",
    "I hear you. Let me see what I can do, and if you're still unhappy I'll arrange a call "
    "back from my team leader.",
    "That's completely your right, and I'll note it on the account. Let me try to put this "
    "right first.",
]
DISMISS = [
    "There's nobody available right now.",
    "My manager will just tell you the same thing.",
    "You can do that if you want.",
    "That won't change anything.",
]
RETENTION_ACCEPT = [
    "Oh, actually that would make a difference. Okay, I'll stay.",
    "Go on then, if it's {offer} I'll keep it.",
    "Fine, that's fair. Let's do that.",
]
RETENTION_DECLINE = [
    "No thanks, I just want to cancel.",
    "That's kind, but I've made up my mind.",
    "No. Please just cancel it.",
]
CANCEL_DONE = [
    "No problem, I've processed the cancellation, it takes effect on {date}. You'll get a "
    "confirmation email.",
    "Understood, the account is cancelled from {date} and there's nothing more to pay.",
]
AFTER_FIX = {
    "calm": ["That's great, thank you.", "Perfect, thanks for sorting that.", "Brilliant."],
    "confused": ["Oh, okay, so that's it? Thank you.", "Right, I think I understand now."],
    "angry": [
        "Fine. Finally.",
        "Okay, well, at least that's sorted.",
        "It shouldn't have taken this long, but okay.",
    ],
}
AFTER_UNRESOLVED = {
    "calm": ["Okay, I'll wait to hear then.", "Alright, thanks for trying.", "Fair enough."],
    "confused": ["So what do I do now?", "I'm still not sure what happens next."],
    "angry": [
        "So I still have no solution.",
        "That's not good enough.",
        "You're telling me nothing can be done? Unbelievable.",
        "I've heard that before.",
    ],
}
SUMMARY = [
    "So just to recap: {recap}.",
    "To summarise what we've done today, {recap}.",
    "Just to confirm, {recap}.",
]
ANYTHING_ELSE = [
    "Is there anything else I can help you with today?",
    "Anything else I can do for you?",
    "Is there anything else at all?",
]
NOTHING_ELSE = ["No, that's everything, thanks.", "No, that's it.", "Nope, that's all.", "No."]
CLOSE_GOOD = [
    "Thanks for contacting {company}, {customer}. Have a lovely day.",
    "You're welcome, take care and have a great rest of your day.",
    "Thanks for your patience today, {customer}. Bye for now.",
]
CLOSE_BAD = ["Okay, bye.", "Right. Bye.", "Bye.", "Okay that's it then."]
BYE = ["Thanks, bye.", "Bye.", "Cheers, bye.", "Thank you, goodbye."]
EMAIL_SIGN_AGENT = ["Kind regards,\n{agent}\n{company} Support", "Best wishes,\n{agent}", "{agent}"]
EMAIL_SIGN_CUSTOMER = ["Thanks,\n{customer}", "Regards,\n{customer} {cust_last}", "{customer}"]
