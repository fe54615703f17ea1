# Deutsche Texte der Upload-Seite. Jede Nachricht muss auch in en.ftl
# stehen (ein Test prüft das). Texte des Krankenhauses (Name, Telefon,
# Datenschutzerklärung) stehen nicht hier: der Server liefert sie.

app-name = Bilder senden
loading = Wird geladen …
load-failed = Die Angaben des Krankenhauses konnten nicht geladen werden. Bitte laden Sie die Seite gleich noch einmal oder rufen Sie uns an.
language-nav = Sprache
step-count = Schritt { $step } von { $steps }
continue = Weiter
back = Zurück
send = Senden
remove = Entfernen
try-again = Erneut versuchen
help-heading = Hilfe
hospital-text-english-only = Diesen Text des Krankenhauses gibt es nur auf Englisch.
help-email = E-Mail
help-fax = Fax

## Schritt 1: Willkommen
welcome-heading = Bilder an das Krankenhaus senden
welcome-intro = Hier können Sie medizinische Bilder – zum Beispiel den Inhalt einer CD Ihrer Radiologie-Praxis – und Arztbriefe an { $hospital } senden.
welcome-one-way = Das geht nur in eine Richtung: Über diese Seite kann niemand Ihre Bilder sehen oder herunterladen.
welcome-not-looked-at = Niemand sieht die Bilder an, bevor Sie oder Ihre Ärztin bzw. Ihr Arzt uns anrufen.
welcome-encrypted = Ihre Dateien werden auf Ihrem Computer verschlüsselt, bevor sie gesendet werden.
welcome-password = Das Upload-Passwort erhalten Sie telefonisch von unseren Ambulanzen und Sekretariaten; bitte geben Sie es nicht weiter.
welcome-get-in-touch = Die Bilder werden nicht automatisch angesehen: Bitte melden Sie sich (per Telefon, E-Mail, Fax oder Post), damit wir klären, wer welche Bilder mit welchem Ziel ansieht.
privacy-heading = Datenschutzerklärung
privacy-version = Fassung { $version }
welcome-agree = Ich stimme der Datenschutzerklärung zu
welcome-may-send = Ich bin die Patientin bzw. der Patient oder sende die Bilder mit deren Einverständnis
welcome-agree-missing = Bitte setzen Sie das Häkchen bei „Ich stimme der Datenschutzerklärung zu“, um fortzufahren.
welcome-may-send-missing = Bitte bestätigen Sie, dass Sie selbst die Patientin bzw. der Patient sind oder mit deren Einverständnis senden.

## Was aus einer Sendung wird, aus der Konfiguration des Servers geschrieben
## ($keeping: archive | mailbox; $unit: weeks | days; $count: wie viele)
keeping-after = { $unit ->
    [weeks]
        { $count ->
            [one] spätestens nach einer Woche
           *[other] spätestens nach { $count } Wochen
        }
   *[days]
        { $count ->
            [one] spätestens nach einem Tag
           *[other] spätestens nach { $count } Tagen
        }
}
keeping-images = { $keeping ->
    [archive] Ihre Bilder gehen sofort weiter in das Bildarchiv des Krankenhauses. Wie lange sie dort bleiben, richtet sich nach den Regeln für Patientenakten.
   *[mailbox] Ihre Bilder und Briefe bleiben im Postfach des Krankenhauses, bis Mitarbeitende das, was Ihrer Behandlung dient, in Ihre Patientenakte übernehmen. Bilder für eine Zweitmeinung werden nicht in die Akte übernommen.
}
keeping-deleted = { $keeping ->
    [archive] Das Postfach löscht seine Kopie Ihrer Briefe und Ihre Kontaktdaten { keeping-after }.
   *[mailbox] Alles, was nicht in Ihre Akte übernommen wurde, wird { keeping-after } gelöscht.
}
keeping-full = Ist das Postfach voll, nimmt es nichts Neues an, bis wieder Platz ist. Versuchen Sie es dann später noch einmal oder rufen Sie uns an.

## Schritt 2: Passwort
password-heading = Upload-Passwort
password-intro = Wir haben Ihnen telefonisch ein Passwort zum Senden der Bilder genannt.
password-label = Upload-Passwort
password-hint = Sie können es einfügen. Groß- und Kleinschreibung ist wichtig.
password-missing = Bitte geben Sie das Upload-Passwort ein.
password-checking = Wird geprüft …

## Schritt 3: Auswählen
choose-heading = Bilder auswählen
choose-intro = Wählen Sie den Ordner der CD oder DVD, die Bilddateien oder eine ZIP-Datei. Alles wird zuerst auf Ihrem Computer geprüft; noch wird nichts gesendet.
choose-drop = Ziehen Sie den Ordner der CD, Dateien oder eine ZIP-Datei hierher
choose-or = oder
choose-folder = Ordner wählen
choose-files = Dateien wählen
choose-zip = ZIP-Datei wählen
choose-cd-hint = Mit einer CD: Legen Sie sie ein, wählen Sie „Ordner wählen“ und dann das CD-Laufwerk (zum Beispiel D:). Programme und andere Dateien auf der CD werden automatisch weggelassen.
choose-scanning = { $done } von { $total } Dateien geprüft …
choose-to-check = Gefundenes anzeigen
choose-nothing = Es wurden keine Dateien ausgewählt. Bitte wählen Sie einen Ordner, Dateien oder eine ZIP-Datei.
scan-failed = Ihre Dateien konnten in diesem Browser nicht geprüft werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal, oder nehmen Sie einen anderen Browser.

## Schritt 4: Prüfen
check-heading = Prüfen, was gesendet wird
check-intro = Diese Bilder wurden gefunden. Entfernen Sie das Häkchen bei Untersuchungen, die Sie nicht senden möchten.
check-none-found = In Ihrer Auswahl wurden keine medizinischen Bilder (DICOM) gefunden. Bitte wählen Sie den Ordner der CD oder eine andere ZIP-Datei.
check-born = (geboren { $date })
check-no-name = Name nicht angegeben
check-no-date = Datum unbekannt
check-study = Untersuchung vom { $date }: { $description } { $modalities } – { $images ->
    [one] 1 Bild
   *[other] { $images } Bilder
  }, { $size }
check-series-caption = Serien dieser Untersuchung
check-col-number = Nr.
check-col-modality = Art
check-col-description = Beschreibung
check-col-images = Bilder
check-col-size = Größe
check-many-patients-heading = Bilder von mehr als einer Person
check-many-patients = Diese Dateien gehören zu { $count } verschiedenen Personen. Bitte senden Sie nur die Bilder einer Patientin bzw. eines Patienten: Entfernen Sie die Häkchen bei den Untersuchungen der anderen.
check-dicomdir-ok = Das Inhaltsverzeichnis der CD nennt { $listed } Bilder; alle wurden gefunden.
check-dicomdir-missing = Das Inhaltsverzeichnis der CD nennt { $listed } Bilder, aber { $missing } davon fehlen in Ihrer Auswahl. Vielleicht fehlt ein Ordner, oder die CD konnte nicht vollständig gelesen werden.
check-selected = Ausgewählt: { $images ->
    [one] 1 Bild
   *[other] { $images } Bilder
  }, { $size }
check-ignored-summary = { $count ->
    [one] 1 Datei wird weggelassen
   *[other] { $count } Dateien werden weggelassen
  }
check-ignored-intro = Diese Dateien sind keine Bilder, die wir annehmen können. Bei Programmen und anderen Dateien einer CD ist das normal.
check-ignored-caption = Weggelassene Dateien mit Grund
check-col-file = Datei
check-col-reason = Grund
check-ignored-more = … und { $count } weitere.
check-add-more = Weitere Dateien hinzufügen
check-nothing-selected = Bitte wählen Sie mindestens eine Untersuchung zum Senden aus.
ignored-duplicate = Dasselbe Bild ist schon in einer anderen Datei; es wird einmal gesendet.
ignored-unreadable = Die Datei konnte nicht gelesen werden. Wenn sie auf einer CD ist: Liegt die CD noch im Laufwerk?
ignored-zip-broken = Diese ZIP-Datei (oder eine Datei darin) ist beschädigt und kann nicht geöffnet werden.
ignored-zip-encrypted = Diese Datei in der ZIP-Datei ist mit einem Passwort geschützt und kann nicht geöffnet werden.
ignored-zip-unsafe-path = Diese Datei in der ZIP-Datei hat einen unsicheren Namen und wurde weggelassen.
ignored-zip-too-large = Diese Datei in der ZIP-Datei wäre entpackt größer, als dieser Dienst annimmt.

## Schritt 5: Über Sie
about-heading = Über Sie und Ihr Anliegen
about-intro = Damit wir Sie erreichen können und wissen, was mit den Bildern geschehen soll.
about-contact = Wie erreichen wir Sie?
about-name = Ihr Name
about-phone = Telefon
about-email = E-Mail
about-role = Sie sind
about-role-patient = die Patientin bzw. der Patient (oder Angehörige)
about-role-doctor = Ärztin bzw. Arzt
about-role-other = jemand anderes
about-purpose = Die Bilder sind für
about-purpose-treatment = die Mitbehandlung im Krankenhaus
about-purpose-second-opinion = eine Zweitmeinung (Konsil)
about-purpose-other = etwas anderes
about-department = Abteilung im Krankenhaus
about-department-unknown = Weiß ich nicht / egal
about-contact-person = Ansprechperson im Krankenhaus (falls bekannt)
about-request = Ihr Anliegen
about-request-hint = Wer soll die Bilder ansehen, und was ist die Frage? Zum Beispiel: „Für meinen Termin bei Dr. Meier in der Neurologie am 3. März.“
about-letters = Arztbriefe (freiwillig)
about-letters-hint = Sie können Briefe oder Befunde als PDF-Dateien anhängen oder Fotos davon (JPEG, PNG).
about-add-letters = Briefe hinzufügen (PDF oder Foto)
about-remove-letter = { $name } entfernen
about-letters-not-pdf = Diese Dateien sind weder PDF-Dokumente noch Fotos (JPEG, PNG) und wurden nicht angehängt: { $names }
about-letters-too-large = Diese Fotos sind größer als 64 MB und wurden nicht angehängt: { $names }. Bitte fotografieren Sie mit geringerer Auflösung oder speichern Sie das Bild als PDF.
about-letter-study = Untersuchung für { $name }
about-name-missing = Bitte geben Sie Ihren Namen ein.
about-reach-missing = Bitte geben Sie eine Telefonnummer oder eine E-Mail-Adresse an, damit wir Sie erreichen können.
about-email-invalid = Die E-Mail-Adresse scheint unvollständig zu sein. Bitte prüfen Sie sie.
about-role-missing = Bitte wählen Sie, ob Sie Patientin bzw. Patient, Ärztin bzw. Arzt oder jemand anderes sind.
about-purpose-missing = Bitte wählen Sie, wofür die Bilder sind.
about-request-missing = Bitte beschreiben Sie Ihr Anliegen.

## Schritt 6: Senden
send-heading = Wird gesendet
send-status = { $done } von { $files } Dateien, { $sent } von { $total }
send-speed = { $speed }/s
send-left-minutes = noch etwa { $minutes ->
    [one] 1 Minute
   *[other] { $minutes } Minuten
  }
send-left-seconds = noch etwa { $seconds } Sekunden
send-study = Untersuchung vom { $date } { $description }
send-letters = Briefe
send-study-files = { $done } von { $files } Dateien
send-waiting = Die Verbindung wurde unterbrochen. Neuer Versuch in { $seconds } Sekunden – das Senden geht dort weiter, wo es aufgehört hat.
send-pause = Anhalten
send-resume = Fortsetzen
send-paused = Angehalten. Es wird nichts gesendet, bis Sie „Fortsetzen“ wählen.
send-keep-open = Bitte lassen Sie diese Seite geöffnet, bis alles gesendet ist. Wenn Ihr Computer in den Ruhezustand geht, geht das Senden danach weiter.
send-finishing = Alle Dateien sind gesendet. Wird abgeschlossen …
send-refused-heading = Dateien, die das Krankenhaus nicht annehmen konnte
send-reauthenticate = Passwort erneut eingeben

## Schritt 7: Quittung
receipt-heading = Senden abgeschlossen
receipt-reference = Vorgangsnummer
receipt-sent = Wir haben { $images ->
    [one] 1 Bild
   *[other] { $images } Bilder
  } und { $letters ->
    [one] 1 Brief
   *[other] { $letters } Briefe
  } ({ $size }) am { $when } erhalten.
receipt-refused-heading = Nicht angenommen
receipt-refused-line = { $count ->
    [one] 1 Datei
   *[other] { $count } Dateien
  }: { $reason }
receipt-next-heading = Wie es weitergeht
receipt-next = Bitte rufen Sie { $hospital } unter { $phone } an ({ $hours }) und nennen Sie Ihre Vorgangsnummer. Vorher sieht niemand Ihre Bilder an.
receipt-print = Diese Seite drucken

## Ansagen für Bildschirmleser
announce-password-ok = Passwort angenommen.
announce-scanning = { $files } Dateien werden geprüft …
announce-scanned = Prüfung beendet: { $images } Bilder in { $studies } Untersuchungen gefunden, { $ignored } Dateien weggelassen.
announce-letters = { $count } Briefe angehängt.
announce-send-started = Das Senden hat begonnen.
announce-half = Die Hälfte ist gesendet.
announce-connection-lost = Die Verbindung wurde unterbrochen. Neuer Versuch.
announce-paused = Senden angehalten.
announce-resumed = Senden fortgesetzt.
announce-complete = Senden abgeschlossen.
resume-notice = Willkommen zurück. Wählen Sie denselben Ordner oder dieselben Dateien noch einmal: Was schon gesendet wurde, wird übersprungen.
session-ended-notice = Ihre Sitzung ist abgelaufen, weil sie eine Weile nicht benutzt wurde. Bitte geben Sie das Upload-Passwort noch einmal ein: Alles, was Sie ausgewählt und eingegeben haben, bleibt erhalten, und das Senden beginnt gleich danach.
session-warning = Ihre Sitzung endet in { $minutes ->
    [one] einer Minute
   *[other] { $minutes } Minuten
  }, weil eine Weile nichts passiert ist. Möchten Sie weitermachen?
session-keep = Angemeldet bleiben
announce-session-continued = Ihre Sitzung läuft weiter.
session-idle-ended-notice = Ihre Sitzung wurde beendet, weil eine Weile nichts passiert ist. Bitte geben Sie das Passwort noch einmal ein. Alles, was Sie ausgewählt und eingegeben haben, bleibt erhalten.

## Fehler
error-summary-heading = Bitte prüfen Sie Folgendes
error-other = Etwas ist schiefgegangen (Code { $code }). Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.
error-wait-minutes = Bitte warten Sie { $minutes ->
    [one] 1 Minute
   *[other] { $minutes } Minuten
  }.
error-network-error = Der Server des Krankenhauses ist nicht erreichbar. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es noch einmal.
error-protocol-error = Der Server hat unerwartet geantwortet. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
error-file-unreadable = Eine Datei konnte nicht mehr gelesen werden. Wenn sie auf einer CD ist: Liegt die CD noch im Laufwerk?
error-bad-request = Die Anfrage wurde nicht verstanden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
error-consent-required = Bitte stimmen Sie zuerst der Datenschutzerklärung zu. War die Seite lange geöffnet, laden Sie sie neu: Die Erklärung kann sich geändert haben.
error-bad-envelope = Eine Datei konnte nicht richtig verschlüsselt werden. Bitte versuchen Sie es noch einmal.
error-wrong-password = Dieses Passwort ist nicht richtig oder nicht mehr gültig. Bitte prüfen Sie es oder rufen Sie uns an, um das aktuelle Passwort zu erfahren.
error-session-expired = Ihre Sitzung ist abgelaufen, weil sie zu lange nicht benutzt wurde. Bitte laden Sie die Seite neu und geben Sie das Passwort noch einmal ein.
error-upload-not-found = Der Server kennt diesen Upload nicht mehr. Bitte versuchen Sie es noch einmal.
error-method-not-allowed = Die Seite hat eine Anfrage gestellt, die der Server nicht anbietet. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
error-request-timeout = Die Verbindung war zu langsam; das Senden geht von selbst weiter.
error-offset-mismatch = Der Upload ist aus dem Takt geraten; er wird fortgesetzt.
error-upload-busy = Die Datei wird bereits gesendet; bitte warten Sie.
error-upload-finished = Diese Datei wurde bereits empfangen.
error-upload-length-conflict = Diese Datei wurde vorher mit einer anderen Größe angekündigt. Bitte laden Sie die Seite neu und senden Sie sie noch einmal.
error-session-finished = Dieser Upload ist bereits abgeschlossen. Um weitere Bilder zu senden, laden Sie die Seite neu.
error-file-too-large = Eine Datei ist größer, als dieser Dienst annimmt.
error-session-too-large = Zusammen sind die Dateien größer, als ein Upload sein darf. Bitte senden Sie weniger Untersuchungen auf einmal.
error-chunk-too-large = Der Server hat einen Teil des Uploads als zu groß abgelehnt. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
error-decrypt-failed = Eine Datei wurde auf dem Weg zum Krankenhaus beschädigt. Bitte senden Sie sie noch einmal.
error-unknown-key = Das Krankenhaus hat während Ihres Uploads seinen Schlüssel gewechselt. Bitte laden Sie die Seite neu und senden Sie noch einmal.
error-locked-out = Es wurden zu oft falsche Passwörter eingegeben. Zu Ihrer Sicherheit warten Sie bitte, bevor Sie es noch einmal versuchen.
error-rate-limited = Zu viele Versuche in kurzer Zeit. Bitte warten Sie einen Moment und versuchen Sie es dann noch einmal.
error-storage-failed = Der Server des Krankenhauses hat ein Problem beim Speichern. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.
error-io-failed = Der Server des Krankenhauses hat ein Problem beim Speichern. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.
error-disk-full = Der Speicher des Krankenhaus-Servers ist gerade voll. Die Seite versucht es gleich von selbst noch einmal. Wenn es weiter nicht klappt, rufen Sie uns bitte an.
error-key-store-failed = Der Server des Krankenhauses hat ein Problem mit seinen Schlüsseln. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.
error-password-check-failed = Das Passwort konnte wegen eines Problems auf dem Server des Krankenhauses nicht geprüft werden. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.
error-worker-failed = Der Server des Krankenhauses ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal.
error-internal-error = Der Server des Krankenhauses hat ein Problem. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.
error-mailbox-full = Das Postfach des Krankenhauses ist im Moment voll. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.
error-not-pdf = Diese Datei ist weder ein PDF-Dokument noch ein Foto (JPEG, PNG).
error-letter-unreadable = Dieses Foto lässt sich nicht öffnen; vielleicht ist es beschädigt. Bitte fotografieren Sie den Brief noch einmal oder senden Sie ihn als PDF.
error-letter-too-large = Dieses Foto ist zu groß (mehr als 64 MB oder 50 Megapixel). Bitte fotografieren Sie mit geringerer Auflösung oder senden Sie den Brief als PDF.

## Anleitung zum Ausdrucken (?view=instructions)
instructions-link = Anleitung zum Ausdrucken (Schritt für Schritt)
instructions-pdf = Anleitung als PDF (herunterladen)
instructions-heading = Anleitung: Bilder senden
instructions-intro = So senden Sie medizinische Bilder und Arztbriefe über die Upload-Seite an { $hospital }, Schritt für Schritt.
instructions-print = Drucken oder als PDF speichern
instructions-back = Zurück zur Upload-Seite
instructions-need-heading = Was Sie brauchen
instructions-need-images = Die Bilder: die CD oder DVD von Ihrer Radiologie (im Laufwerk des Computers), einen davon kopierten Ordner oder eine ZIP-Datei.
instructions-need-computer = Einen Computer mit einem aktuellen Webbrowser. Sie müssen nichts installieren.
instructions-steps-heading = Schritt für Schritt
instructions-step-welcome = Lesen Sie, was mit Ihren Bildern geschieht, stimmen Sie der Datenschutzerklärung zu und bestätigen Sie, dass Sie die Bilder senden dürfen.
instructions-step-password = Tippen oder fügen Sie das Upload-Passwort ein, das wir Ihnen am Telefon gegeben haben.
instructions-step-choose = Wählen Sie die CD, einen Ordner oder eine ZIP-Datei, oder ziehen Sie sie auf die Seite. Die Bilder werden auf Ihrem Computer geprüft.
instructions-step-check = Sie sehen die gefundenen Untersuchungen mit Datum und Namen; entfernen Sie den Haken bei allem, was Sie nicht senden möchten.
instructions-step-about = Geben Sie Ihren Namen und eine Telefonnummer an, wofür die Bilder sind und Ihre Frage; fügen Sie Arztbriefe an, wenn Sie welche haben.
instructions-step-send = Ihre Dateien werden verschlüsselt und gesendet. Sie können pausieren; bricht die Verbindung ab, geht es dort weiter, wo es aufgehört hat.
instructions-step-receipt = Sie erhalten eine Vorgangsnummer. Drucken Sie sie aus oder schreiben Sie sie auf.
instructions-receipt-heading = Die Empfangsbestätigung
instructions-receipt = Die Empfangsbestätigung zeigt die Vorgangsnummer, wie viele Bilder und Briefe angekommen sind und welche Dateien das Krankenhaus nicht annehmen konnte, mit dem Grund. Niemand sieht sich Ihre Bilder an, bevor Sie uns anrufen und die Vorgangsnummer nennen.
instructions-call-heading = Wen Sie anrufen

## Weitere Seiten (im Fuß jeder Seite, öffnen in einem neuen Tab)
more-nav = Mehr zu dieser Seite
more-easy = Leichte Sprache
more-accessibility = Barrierefreiheit
new-tab = (öffnet in einem neuen Tab)

## Leichte Sprache (?view=easy): kurze Sätze, eine Aussage je Satz, keine Fremdwörter
easy-heading = Leichte Sprache
easy-what-heading = Was ist das?
easy-what =
    Auf dieser Seite können Sie Bilder schicken.
    Die Bilder gehen an das { $hospital }.
    Das sind Bilder von einer Untersuchung.
    Zum Beispiel von einem Röntgen-Bild.
    Oder von einer Untersuchung im Tunnel.
    Die Bilder sind oft auf einer CD.
easy-need-heading = Was brauchen Sie?
easy-need =
    Sie brauchen die CD mit den Bildern.
    Oder Sie haben die Bilder schon auf dem Computer.
    Sie brauchen ein Pass-Wort.
    Das Pass-Wort bekommen Sie am Telefon.
    Sie bekommen es vom Krankenhaus.
    Sagen Sie das Pass-Wort niemand anderem.
easy-how-heading = So geht es
easy-how =
    Lesen Sie zuerst die Regeln zum Daten-Schutz.
    Stimmen Sie den Regeln zu.
    Geben Sie dann das Pass-Wort ein.
    Wählen Sie die Bilder auf Ihrem Computer aus.
    Die Seite prüft die Bilder.
    Schreiben Sie Ihren Namen dazu.
    Schreiben Sie Ihre Telefon-Nummer dazu.
    Schreiben Sie auf: Warum schicken Sie die Bilder?
    Dann schicken Sie die Bilder ab.
    Die Bilder sind auf dem Weg geschützt.
    Nur das Krankenhaus kann die Bilder öffnen.
easy-after-heading = Was passiert danach?
easy-after =
    Am Ende bekommen Sie eine Nummer.
    Schreiben Sie die Nummer auf.
    Rufen Sie dann im Krankenhaus an.
    Sagen Sie die Nummer am Telefon.
    Vorher sieht niemand Ihre Bilder an.
    Haben Sie Fragen?
    Dann rufen Sie uns an.
    Unsere Telefon-Nummer ist: { $phone }
easy-keep-heading = Was passiert mit den Bildern?
easy-keep =
    { $keeping ->
        [archive]
            Die Bilder gehen sofort in das Bild-Archiv vom Krankenhaus.
            Das Krankenhaus bewahrt sie dort nach seinen Regeln auf.
            Das Krankenhaus löscht Ihren Namen und Ihre Telefon-Nummer.
            Das passiert { keeping-after }.
       *[mailbox]
            Die Bilder bleiben zuerst im Post-Fach vom Krankenhaus.
            Die Ärzte suchen die Bilder aus, die sie für Sie brauchen.
            Diese Bilder kommen in Ihre Patienten-Akte.
            Das Krankenhaus löscht alles andere.
            Das passiert { keeping-after }.
    }
    Manchmal ist das Post-Fach voll.
    Dann können Sie keine Bilder schicken.
    Versuchen Sie es später noch einmal.
    Oder rufen Sie uns an.
easy-start = Zur Seite für die Bilder

## Erklärung zur Barrierefreiheit (?view=accessibility)
accessibility-heading = Erklärung zur Barrierefreiheit
accessibility-intro = { $hospital } möchte diese Seite zum Senden von Bildern für alle Menschen zugänglich machen. Maßstab sind die Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und die Web Content Accessibility Guidelines (WCAG) 2.1, Stufe AA.
accessibility-status-heading = Wie barrierefrei ist diese Seite?
accessibility-status = Die Seite ist weitgehend barrierefrei. Sie lässt sich vollständig mit der Tastatur bedienen, funktioniert mit Bildschirmlesern, passt sich kleinen Bildschirmen und starker Vergrößerung an und bleibt im Kontrastmodus lesbar. Bei jeder Änderung wird sie automatisch geprüft. Eine Erklärung in Leichter Sprache ist im Fuß jeder Seite verlinkt.
accessibility-limits-heading = Was noch nicht barrierefrei ist
accessibility-limits = Die medizinischen Bilder selbst kann die Seite nicht beschreiben; sie nennt von jeder Untersuchung Datum, Art und Beschreibung. Die Seite braucht einen Browser mit WebAssembly; fehlt es, sagt die Seite das und nennt unsere Telefonnummer.
accessibility-feedback-heading = Barrieren melden
accessibility-feedback = Ist Ihnen auf dieser Seite eine Barriere aufgefallen, oder brauchen Sie Inhalte in einer anderen Form? Schreiben Sie uns oder rufen Sie uns an:
accessibility-enforcement-heading = Schlichtungsverfahren
accessibility-enforcement = Bekommen Sie auf Ihre Meldung innerhalb von sechs Wochen keine zufriedenstellende Antwort, können Sie ein Schlichtungsverfahren beantragen: bei der Schlichtungsstelle nach § 16 des Behindertengleichstellungsgesetzes (BGG), oder – ist das Krankenhaus eine Einrichtung eines Landes – bei der Durchsetzungsstelle Ihres Landes. Das Verfahren ist kostenlos.
accessibility-reviewed = Stand dieser Erklärung: { $date }
