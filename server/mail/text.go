package mail

import "strings"

// Sentences of the mails, per language; English fills the gaps. %s stands
// for the site or the agent's name.
var sentences = map[string]map[string]string{
	"en": {
		"agentSubjectNew": "New conversation on %s",
		"agentSubject":    "New messages on %s",
		"agentIntro":      "A visitor wrote and no agent has seen it yet:",
		"agentOpen":       "Answer in the console:",
		"agentWhy":        "You get this mail because you are an agent with mail turned on.",
		"visitorSubject":  "New reply from %s",
		"visitorIntro":    "You have a reply you have not seen yet:",
		"visitorContinue": "Continue the conversation:",
		"visitorNote":     "The link works once, for 7 days, in any browser.",
		"visitorWhy":      "You get this mail because you asked for the replies by email.",
		"stop":            "Stop these mails:",
		"agent":           "Agent",
		"visitor":         "Visitor",
	},
	"sv": {
		"agentSubjectNew": "Ny konversation på %s",
		"agentSubject":    "Nya meddelanden på %s",
		"agentIntro":      "En besökare skrev och ingen agent har sett det än:",
		"agentOpen":       "Svara i konsolen:",
		"agentWhy":        "Du får detta mejl eftersom du är agent med mejl påslaget.",
		"visitorSubject":  "Nytt svar från %s",
		"visitorIntro":    "Du har ett svar som du inte har sett än:",
		"visitorContinue": "Fortsätt konversationen:",
		"visitorNote":     "Länken fungerar en gång, i 7 dagar, i vilken webbläsare som helst.",
		"visitorWhy":      "Du får detta mejl eftersom du bad om svaren via e-post.",
		"stop":            "Stoppa dessa mejl:",
		"agent":           "Agent",
		"visitor":         "Besökare",
	},
	"nl": {
		"agentSubjectNew": "Nieuw gesprek op %s",
		"agentSubject":    "Nieuwe berichten op %s",
		"agentIntro":      "Een bezoeker schreef en nog geen agent heeft het gezien:",
		"agentOpen":       "Antwoord in de console:",
		"agentWhy":        "Je krijgt deze mail omdat je agent bent met mail aan.",
		"visitorSubject":  "Nieuw antwoord van %s",
		"visitorIntro":    "Je hebt een antwoord dat je nog niet hebt gezien:",
		"visitorContinue": "Ga verder met het gesprek:",
		"visitorNote":     "De link werkt één keer, 7 dagen lang, in elke browser.",
		"visitorWhy":      "Je krijgt deze mail omdat je de antwoorden per e-mail wilde ontvangen.",
		"stop":            "Stop deze mails:",
		"agent":           "Agent",
		"visitor":         "Bezoeker",
	},
	"de": {
		"agentSubjectNew": "Neues Gespräch auf %s",
		"agentSubject":    "Neue Nachrichten auf %s",
		"agentIntro":      "Ein Besucher hat geschrieben und noch kein Agent hat es gesehen:",
		"agentOpen":       "In der Konsole antworten:",
		"agentWhy":        "Sie erhalten diese E-Mail, weil Sie Agent mit eingeschalteten E-Mails sind.",
		"visitorSubject":  "Neue Antwort von %s",
		"visitorIntro":    "Sie haben eine Antwort, die Sie noch nicht gesehen haben:",
		"visitorContinue": "Gespräch fortsetzen:",
		"visitorNote":     "Der Link funktioniert einmal, 7 Tage lang, in jedem Browser.",
		"visitorWhy":      "Sie erhalten diese E-Mail, weil Sie die Antworten per E-Mail erbeten haben.",
		"stop":            "Diese E-Mails abbestellen:",
		"agent":           "Agent",
		"visitor":         "Besucher",
	},
	"ar": {
		"agentSubjectNew": "محادثة جديدة على %s",
		"agentSubject":    "رسائل جديدة على %s",
		"agentIntro":      "كتب زائر ولم يرها أي وكيل بعد:",
		"agentOpen":       "أجب في وحدة التحكم:",
		"agentWhy":        "تصلك هذه الرسالة لأنك وكيل فعّل البريد.",
		"visitorSubject":  "رد جديد من %s",
		"visitorIntro":    "لديك رد لم تره بعد:",
		"visitorContinue": "تابع المحادثة:",
		"visitorNote":     "يعمل الرابط مرة واحدة، لمدة 7 أيام، في أي متصفح.",
		"visitorWhy":      "تصلك هذه الرسالة لأنك طلبت الردود بالبريد الإلكتروني.",
		"stop":            "أوقف هذه الرسائل:",
		"agent":           "وكيل",
		"visitor":         "زائر",
	},
}

// Languages lists the languages the mails are written in.
func Languages() []string { return []string{"en", "sv", "nl", "de", "ar"} }

// text returns a sentence in lang (a BCP 47 tag; its primary language
// counts), English when there is none, with %s replaced by arg.
func text(lang, key, arg string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	s, ok := sentences[base][key]
	if !ok {
		s = sentences["en"][key]
	}
	return strings.Replace(s, "%s", arg, 1)
}

// rtl reports whether lang is written right to left.
func rtl(lang string) bool {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	return base == "ar"
}
