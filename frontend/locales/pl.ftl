# MACHINE TRANSLATION (Polish) – not yet reviewed by a person. A hospital
# should have a native speaker check it before relying on it. Every message
# of en.ftl must exist here, plus a rule-<code> sentence per acceptance rule
# (a test checks).

app-name = Wyślij obrazy
loading = Wczytywanie …
load-failed = Strona nie mogła wczytać informacji o szpitalu. Proszę za chwilę odświeżyć stronę lub do nas zadzwonić.
language-nav = Język
step-count = Krok { $step } z { $steps }
continue = Dalej
back = Wstecz
send = Wyślij
remove = Usuń
try-again = Spróbuj ponownie
help-heading = Pomoc
hospital-text-english-only = Ten tekst szpitala jest dostępny tylko po angielsku.
help-email = E-mail
help-fax = Faks

## Step 1: Welcome
welcome-heading = Wyślij obrazy do szpitala
welcome-intro = Tutaj możesz wysłać obrazy medyczne – na przykład zawartość płyty CD od radiologa – oraz listy lekarskie do { $hospital }.
welcome-one-way = Działa to tylko w jedną stronę: nikt nie może zobaczyć ani pobrać Twoich obrazów przez tę stronę.
welcome-not-looked-at = Nikt nie ogląda obrazów, dopóki Ty lub Twój lekarz do nas nie zadzwonicie.
welcome-encrypted = Twoje pliki są szyfrowane na Twoim komputerze przed wysłaniem.
welcome-password = Hasło do przesyłania podają telefonicznie nasze przychodnie i sekretariaty; prosimy nie przekazywać go innym.
welcome-get-in-touch = Nikt nie ogląda obrazów automatycznie: prosimy o kontakt (telefonicznie, e-mailem, faksem lub pocztą), aby ustalić, kto i dlaczego obejrzy które obrazy.
privacy-heading = Oświadczenie o ochronie danych
privacy-version = Wersja { $version }
welcome-agree = Zgadzam się z oświadczeniem o ochronie danych
welcome-may-send = Jestem pacjentem lub wysyłam te obrazy za zgodą pacjenta
welcome-agree-missing = Aby kontynuować, zaznacz „Zgadzam się z oświadczeniem o ochronie danych”.
welcome-may-send-missing = Potwierdź, że jesteś pacjentem lub wysyłasz za zgodą pacjenta.

## Co dzieje się z przesyłką, napisane na podstawie konfiguracji serwera
keeping-after = { $unit ->
    [weeks]
        { $count ->
            [one] najpóźniej po tygodniu
           *[other] najpóźniej po { $count } tygodniach
        }
   *[days]
        { $count ->
            [one] najpóźniej po jednym dniu
           *[other] najpóźniej po { $count } dniach
        }
}
keeping-images = { $keeping ->
    [archive] Twoje obrazy trafiają od razu do archiwum obrazów szpitala. Jak długo są tam przechowywane, określają zasady prowadzenia dokumentacji medycznej.
   *[mailbox] Twoje obrazy i listy pozostają w skrzynce szpitala, dopóki personel nie przeniesie do Twojej dokumentacji tego, co służy Twojemu leczeniu. Obrazy do drugiej opinii nie są przenoszone do dokumentacji.
}
keeping-deleted = { $keeping ->
    [archive] Skrzynka usuwa kopię Twoich listów i Twoje dane kontaktowe { keeping-after }.
   *[mailbox] Wszystko, czego nie przeniesiono do Twojej dokumentacji, jest usuwane { keeping-after }.
}
keeping-full = Gdy skrzynka jest pełna, nie przyjmuje niczego nowego, dopóki nie zwolni się miejsce. Spróbuj ponownie później lub zadzwoń do nas.

## Step 2: Password
password-heading = Hasło do przesyłania
password-intro = Podaliśmy Ci telefonicznie hasło do wysyłania obrazów.
password-label = Hasło do przesyłania
password-hint = Możesz je wkleić. Wielkość liter ma znaczenie.
password-missing = Wpisz hasło do przesyłania.
password-checking = Sprawdzanie …

## Step 3: Choose
choose-heading = Wybierz obrazy
choose-intro = Wybierz folder płyty CD lub DVD, pliki obrazów albo plik ZIP. Wszystko jest najpierw sprawdzane na Twoim komputerze; nic nie jest jeszcze wysyłane.
choose-drop = Przeciągnij tutaj folder płyty, pliki lub plik ZIP
choose-or = lub
choose-folder = Wybierz folder
choose-files = Wybierz pliki
choose-zip = Wybierz plik ZIP
choose-cd-hint = Z płytą CD: włóż ją, a następnie wybierz „Wybierz folder” i napęd płyt (na przykład D:). Programy i inne pliki na płycie są pomijane automatycznie.
choose-scanning = Sprawdzono { $done } z { $total } plików …
choose-to-check = Pokaż, co znaleziono
choose-nothing = Nie wybrano plików. Wybierz folder, pliki lub plik ZIP.
scan-failed = Nie udało się sprawdzić Twoich plików w tej przeglądarce. Odśwież stronę i spróbuj ponownie lub użyj innej przeglądarki.

## Step 4: Check
check-heading = Sprawdź, co zostanie wysłane
check-intro = Znaleziono te obrazy. Odznacz badania, których nie chcesz wysyłać.
check-none-found = W tym, co wybrano, nie znaleziono obrazów medycznych (DICOM). Wybierz folder płyty lub inny plik ZIP.
check-born = (ur. { $date })
check-no-name = Nie podano nazwiska
check-no-date = data nieznana
check-study = Badanie z { $date }: { $description } { $modalities } – { $images ->
    [one] { $images } obraz
    [few] { $images } obrazy
   *[other] { $images } obrazów
  }, { $size }
check-series-caption = Serie tego badania
check-col-number = Nr
check-col-modality = Rodzaj
check-col-description = Opis
check-col-images = Obrazy
check-col-size = Rozmiar
check-many-patients-heading = Obrazy więcej niż jednej osoby
check-many-patients = Te pliki należą do różnych osób ({ $count }). Wysyłaj obrazy tylko jednego pacjenta: odznacz badania pozostałych.
check-dicomdir-ok = Spis treści płyty wymienia obrazów: { $listed }; wszystkie zostały znalezione.
check-dicomdir-missing = Spis treści płyty wymienia obrazów: { $listed }, ale { $missing } z nich brakuje w tym, co wybrano. Być może brakuje folderu albo płyty nie dało się odczytać w całości.
check-selected = Wybrano: { $images ->
    [one] { $images } obraz
    [few] { $images } obrazy
   *[other] { $images } obrazów
  }, { $size }
check-ignored-summary = { $count ->
    [one] { $count } plik pominięto
    [few] { $count } pliki pominięto
   *[other] { $count } plików pominięto
  }
check-ignored-intro = Te pliki nie są obrazami, które możemy przyjąć. To normalne w przypadku programów i innych plików na płycie.
check-ignored-caption = Pominięte pliki z powodem
check-col-file = Plik
check-col-reason = Powód
check-ignored-more = … i jeszcze { $count }.
check-add-more = Dodaj więcej plików
check-nothing-selected = Zaznacz co najmniej jedno badanie do wysłania.
ignored-duplicate = Ten sam obraz jest już w innym pliku; zostanie wysłany raz.
ignored-unreadable = Nie udało się odczytać pliku. Jeśli jest na płycie, sprawdź, czy płyta jest nadal w napędzie.
ignored-zip-broken = Ten plik ZIP (lub plik w nim) jest uszkodzony i nie można go otworzyć.
ignored-zip-encrypted = Ten plik w archiwum ZIP jest chroniony hasłem i nie można go otworzyć.
ignored-zip-unsafe-path = Ten plik w archiwum ZIP ma niebezpieczną nazwę i został pominięty.
ignored-zip-too-large = Ten plik w archiwum ZIP po rozpakowaniu byłby większy, niż przyjmuje ta usługa.

## Step 5: About you
about-heading = O Tobie i Twojej prośbie
about-intro = Abyśmy mogli się z Tobą skontaktować i wiedzieli, co zrobić z obrazami.
about-contact = Jak możemy się z Tobą skontaktować?
about-name = Imię i nazwisko
about-phone = Telefon
about-email = E-mail
about-role = Jesteś
about-role-patient = pacjentem (lub krewnym)
about-role-doctor = lekarzem
about-role-other = kimś innym
about-purpose = Obrazy są do
about-purpose-treatment = dalszego leczenia w szpitalu
about-purpose-second-opinion = drugiej opinii
about-purpose-other = czegoś innego
about-department = Oddział szpitala
about-department-unknown = Nie wiem / bez preferencji
about-contact-person = Osoba kontaktowa w szpitalu (jeśli ją znasz)
about-request = Twoja prośba
about-request-hint = Kto powinien obejrzeć obrazy i jakie jest pytanie? Na przykład: „Na moją wizytę u dr Meier na neurologii 3 marca”.
about-letters = Listy lekarskie (opcjonalnie)
about-letters-hint = Możesz dołączyć listy lub wyniki jako pliki PDF albo ich zdjęcia (JPEG, PNG).
about-add-letters = Dodaj listy (PDF lub zdjęcie)
about-remove-letter = Usuń { $name }
about-letters-not-pdf = Te pliki nie są ani dokumentami PDF, ani zdjęciami (JPEG, PNG) i nie zostały dołączone: { $names }
about-letters-too-large = Te zdjęcia są większe niż 64 MB i nie zostały dołączone: { $names }. Zrób zdjęcie w niższej rozdzielczości lub zapisz je jako PDF.
about-letter-study = Badanie dla { $name }
about-name-missing = Wpisz swoje imię i nazwisko.
about-reach-missing = Podaj numer telefonu lub adres e-mail, abyśmy mogli się z Tobą skontaktować.
about-email-invalid = Adres e-mail wygląda na niepełny. Sprawdź go.
about-role-missing = Wybierz, czy jesteś pacjentem, lekarzem czy kimś innym.
about-purpose-missing = Wybierz, do czego są obrazy.
about-request-missing = Opisz swoją prośbę.

## Step 6: Send
send-heading = Wysyłanie
send-status = { $done } z { $files } plików, { $sent } z { $total }
send-speed = { $speed }/s
send-left-minutes = pozostało około { $minutes ->
    [one] { $minutes } minuty
   *[other] { $minutes } minut
  }
send-left-seconds = pozostało około { $seconds } s
send-study = Badanie z { $date } { $description }
send-letters = Listy
send-study-files = { $done } z { $files } plików
send-waiting = Połączenie zostało przerwane. Ponowna próba za { $seconds } s – przesyłanie będzie kontynuowane od miejsca przerwania.
send-pause = Wstrzymaj
send-resume = Wznów
send-paused = Wstrzymano. Nic nie jest wysyłane, dopóki nie wybierzesz „Wznów”.
send-keep-open = Nie zamykaj tej strony, dopóki przesyłanie się nie zakończy. Jeśli komputer przejdzie w stan uśpienia, przesyłanie będzie kontynuowane po wybudzeniu.
send-finishing = Wszystkie pliki wysłane. Kończenie …
send-refused-heading = Pliki, których szpital nie mógł przyjąć
send-reauthenticate = Wpisz hasło ponownie

## Step 7: Receipt
receipt-heading = Przesyłanie zakończone
receipt-reference = Numer sprawy
receipt-sent = Otrzymaliśmy { $images ->
    [one] { $images } obraz
    [few] { $images } obrazy
   *[other] { $images } obrazów
  } i { $letters ->
    [one] { $letters } list
    [few] { $letters } listy
   *[other] { $letters } listów
  } ({ $size }) { $when }.
receipt-refused-heading = Nieprzyjęte
receipt-refused-line = { $count ->
    [one] { $count } plik
    [few] { $count } pliki
   *[other] { $count } plików
  }: { $reason }
receipt-next-heading = Co dalej
receipt-next = Zadzwoń do { $hospital } pod numer { $phone } ({ $hours }) i podaj numer sprawy. Wcześniej nikt nie ogląda Twoich obrazów.
receipt-print = Wydrukuj tę stronę

## Screen reader announcements
announce-password-ok = Hasło przyjęte.
announce-scanning = Sprawdzanie plików: { $files } …
announce-scanned = Sprawdzanie zakończone: znaleziono obrazów: { $images }, badań: { $studies }, pominięto plików: { $ignored }.
announce-letters = Dołączono listów: { $count }.
announce-send-started = Wysyłanie rozpoczęte.
announce-half = Połowa przesyłania gotowa.
announce-connection-lost = Połączenie zostało przerwane. Ponowna próba.
announce-paused = Przesyłanie wstrzymane.
announce-resumed = Przesyłanie wznowione.
announce-complete = Przesyłanie zakończone.
resume-notice = Witaj ponownie. Wybierz ten sam folder lub te same pliki jeszcze raz: to, co już wysłano, zostanie pominięte.
session-ended-notice = Twoja sesja wygasła, ponieważ przez pewien czas nie była używana. Wpisz ponownie hasło do przesyłania: wszystko, co wybrano i wpisano, zostaje zachowane, a wysyłanie rozpocznie się zaraz potem.
session-warning = Twoja sesja zakończy się za { $minutes ->
    [one] { $minutes } minutę
    [few] { $minutes } minuty
   *[other] { $minutes } minut
  }, ponieważ od pewnego czasu nic się nie dzieje. Czy chcesz kontynuować?
session-keep = Pozostań zalogowany
announce-session-continued = Twoja sesja trwa dalej.
session-idle-ended-notice = Twoja sesja została zakończona, ponieważ od pewnego czasu nic się nie działo. Wpisz hasło ponownie. Wszystko, co wybrano i wpisano, zostaje zachowane.

## Errors
error-summary-heading = Sprawdź następujące kwestie
error-other = Coś poszło nie tak (kod { $code }). Spróbuj później lub zadzwoń do nas.
error-wait-minutes = Poczekaj { $minutes ->
    [one] { $minutes } minutę
    [few] { $minutes } minuty
   *[other] { $minutes } minut
  }.
error-network-error = Nie można połączyć się z serwerem szpitala. Sprawdź połączenie z internetem i spróbuj ponownie.
error-protocol-error = Serwer udzielił nieoczekiwanej odpowiedzi. Odśwież stronę i spróbuj ponownie.
error-file-unreadable = Nie można już odczytać pliku. Jeśli jest na płycie, sprawdź, czy płyta jest nadal w napędzie.
error-bad-request = Nie udało się zrozumieć żądania. Odśwież stronę i spróbuj ponownie.
error-consent-required = Najpierw zaakceptuj oświadczenie o ochronie danych. Jeśli strona była długo otwarta, odśwież ją: oświadczenie mogło się zmienić.
error-bad-envelope = Nie udało się poprawnie zaszyfrować pliku. Spróbuj ponownie.
error-wrong-password = To hasło jest nieprawidłowe lub już nieważne. Sprawdź je lub zadzwoń do nas po aktualne hasło.
error-session-expired = Twoja sesja wygasła, ponieważ zbyt długo nie była używana. Odśwież stronę i wpisz hasło ponownie.
error-upload-not-found = Serwer nie zna już tego przesyłania. Spróbuj ponownie.
error-method-not-allowed = Strona wysłała żądanie, którego serwer nie obsługuje. Odśwież stronę i spróbuj ponownie.
error-request-timeout = Połączenie było zbyt wolne; wysyłanie jest kontynuowane automatycznie.
error-offset-mismatch = Przesyłanie straciło synchronizację; jest wznawiane.
error-upload-busy = Plik jest już wysyłany; poczekaj.
error-upload-finished = Ten plik został już odebrany.
error-upload-length-conflict = Ten plik został wcześniej zgłoszony z innym rozmiarem. Odśwież stronę i wyślij go ponownie.
error-session-finished = To przesyłanie zostało już zakończone. Aby wysłać więcej obrazów, odśwież stronę.
error-file-too-large = Plik jest większy, niż przyjmuje ta usługa.
error-session-too-large = Razem pliki są większe, niż pozwala jedno przesyłanie. Wysyłaj mniej badań naraz.
error-chunk-too-large = Serwer odrzucił część przesyłania jako zbyt dużą. Odśwież stronę i spróbuj ponownie.
error-decrypt-failed = Plik uległ uszkodzeniu w drodze do szpitala. Wyślij go ponownie.
error-unknown-key = Szpital zmienił klucz szyfrowania podczas Twojego przesyłania. Odśwież stronę i wyślij ponownie.
error-locked-out = Wpisano zbyt wiele błędnych haseł. Dla Twojego bezpieczeństwa poczekaj przed kolejną próbą.
error-rate-limited = Zbyt wiele prób w krótkim czasie. Poczekaj chwilę i spróbuj ponownie.
error-storage-failed = Serwer szpitala ma problem z zapisywaniem plików. Spróbuj później lub zadzwoń do nas.
error-io-failed = Serwer szpitala ma problem z zapisywaniem plików. Spróbuj później lub zadzwoń do nas.
error-disk-full = Na serwerze szpitala chwilowo brakuje miejsca. Strona sama spróbuje ponownie. Jeśli to się powtarza, zadzwoń do nas.
error-key-store-failed = Serwer szpitala ma problem z kluczami szyfrowania. Spróbuj później lub zadzwoń do nas.
error-password-check-failed = Nie udało się sprawdzić hasła z powodu problemu na serwerze szpitala. Spróbuj później lub zadzwoń do nas.
error-worker-failed = Serwer szpitala jest zajęty. Spróbuj za chwilę.
error-internal-error = Serwer szpitala ma problem. Spróbuj później lub zadzwoń do nas.
error-mailbox-full = Skrzynka szpitala jest w tej chwili pełna. Spróbuj później lub zadzwoń do nas.
error-not-pdf = Ten plik nie jest ani dokumentem PDF, ani zdjęciem (JPEG, PNG).
error-letter-unreadable = Nie można otworzyć tego zdjęcia; może być uszkodzone. Zrób zdjęcie ponownie lub wyślij list jako PDF.
error-letter-too-large = To zdjęcie jest za duże (ponad 64 MB lub 50 megapikseli). Zrób je w niższej rozdzielczości lub wyślij list jako PDF.

## Printable instructions (?view=instructions)
instructions-link = Instrukcja do wydruku (krok po kroku)
instructions-pdf = Instrukcja jako PDF (pobierz)
instructions-heading = Instrukcja: wysyłanie obrazów
instructions-intro = Jak krok po kroku wysłać obrazy medyczne i listy lekarskie do { $hospital } przez stronę przesyłania.
instructions-print = Drukuj lub zapisz jako PDF
instructions-back = Wróć do strony przesyłania
instructions-need-heading = Czego potrzebujesz
instructions-need-images = Obrazy: płyta CD lub DVD od radiologa (w napędzie komputera), skopiowany z niej folder lub plik ZIP.
instructions-need-computer = Komputer z aktualną przeglądarką internetową. Niczego nie trzeba instalować.
instructions-steps-heading = Krok po kroku
instructions-step-welcome = przeczytaj, co stanie się z Twoimi obrazami, zaakceptuj oświadczenie o ochronie danych i potwierdź, że możesz je wysłać.
instructions-step-password = wpisz lub wklej hasło do przesyłania, które podaliśmy Ci telefonicznie.
instructions-step-choose = wybierz płytę, folder lub plik ZIP albo przeciągnij go na stronę. Obrazy są sprawdzane na Twoim komputerze.
instructions-step-check = zobacz znalezione badania z datą i nazwiskiem pacjenta; odznacz te, których nie chcesz wysyłać.
instructions-step-about = podaj imię i nazwisko oraz numer telefonu, do czego są obrazy i swoje pytanie; dołącz listy lekarskie, jeśli je masz.
instructions-step-send = Twoje pliki są szyfrowane i wysyłane. Możesz wstrzymać; jeśli połączenie zostanie przerwane, wysyłanie będzie kontynuowane od miejsca przerwania.
instructions-step-receipt = otrzymasz numer sprawy. Wydrukuj go lub zapisz.
instructions-receipt-heading = Potwierdzenie odbioru
instructions-receipt = Potwierdzenie odbioru zawiera numer sprawy, liczbę obrazów i listów, które dotarły, oraz pliki, których szpital nie mógł przyjąć, wraz z powodem. Nikt nie ogląda Twoich obrazów, dopóki nie zadzwonisz i nie podasz numeru sprawy.
instructions-call-heading = Do kogo dzwonić

## More pages (in every page's footer, opening in a new tab)
more-nav = Więcej o tej stronie
more-easy = Łatwy język
more-accessibility = Dostępność
new-tab = (otwiera się w nowej karcie)

## Plain language (?view=easy): short sentences, one statement each
easy-heading = Łatwy język
easy-what-heading = Co to jest?
easy-what =
    Na tej stronie możesz wysłać zdjęcia.
    Zdjęcia trafiają do { $hospital }.
    To zdjęcia z badania lekarskiego.
    Na przykład zdjęcie rentgenowskie.
    Albo badanie w urządzeniu w kształcie tuby.
    Zdjęcia są często na płycie CD.
easy-need-heading = Czego potrzebujesz?
easy-need =
    Potrzebujesz płyty ze zdjęciami.
    Albo zdjęcia są już na Twoim komputerze.
    Potrzebujesz hasła.
    Hasło dostaniesz przez telefon.
    Daje je szpital.
    Nie mów nikomu innemu hasła.
easy-how-heading = Jak to działa
easy-how =
    Najpierw przeczytaj zasady dotyczące Twoich danych.
    Zgódź się na zasady.
    Potem wpisz hasło.
    Wybierz zdjęcia na komputerze.
    Strona sprawdza zdjęcia.
    Napisz swoje imię i nazwisko.
    Napisz swój numer telefonu.
    Napisz, dlaczego wysyłasz zdjęcia.
    Potem wyślij zdjęcia.
    W drodze zdjęcia są chronione.
    Tylko szpital może je otworzyć.
easy-after-heading = Co dzieje się potem?
easy-after =
    Na końcu dostaniesz numer.
    Zapisz ten numer.
    Potem zadzwoń do szpitala.
    Powiedz numer przez telefon.
    Wcześniej nikt nie ogląda Twoich zdjęć.
    Masz pytania?
    Zadzwoń do nas.
    Nasz numer telefonu to: { $phone }
easy-keep-heading = Co dzieje się ze zdjęciami?
easy-keep =
    { $keeping ->
        [archive]
            Zdjęcia od razu trafiają do archiwum szpitala.
            Szpital przechowuje je tam według swoich zasad.
            Szpital usuwa Twoje imię i numer telefonu.
            Dzieje się to { keeping-after }.
       *[mailbox]
            Najpierw zdjęcia zostają w skrzynce szpitala.
            Lekarze wybierają zdjęcia potrzebne dla Ciebie.
            Te zdjęcia trafiają do Twojej dokumentacji.
            Wszystko inne szpital usuwa.
            Dzieje się to { keeping-after }.
    }
    Czasem skrzynka jest pełna.
    Wtedy nie możesz wysłać zdjęć.
    Spróbuj później.
    Albo zadzwoń do nas.
easy-start = Przejdź do strony ze zdjęciami

## Accessibility statement (?view=accessibility)
accessibility-heading = Deklaracja dostępności
accessibility-intro = { $hospital } chce, aby ta strona do wysyłania obrazów była dostępna dla wszystkich. Podstawą jest niemieckie rozporządzenie o dostępnych technologiach informacyjnych (BITV 2.0) oraz Wytyczne dotyczące dostępności treści internetowych (WCAG) 2.1, poziom AA.
accessibility-status-heading = Na ile dostępna jest ta strona?
accessibility-status = Strona jest w dużej mierze dostępna. Można z niej w pełni korzystać za pomocą klawiatury, działa z czytnikami ekranu, dostosowuje się do małych ekranów i dużego powiększenia oraz pozostaje czytelna w trybie wysokiego kontrastu. Jest automatycznie sprawdzana przy każdej zmianie. W stopce każdej strony jest link do wyjaśnienia w łatwym języku.
accessibility-limits-heading = Co nie jest jeszcze dostępne
accessibility-limits = Strona nie potrafi opisać samych obrazów medycznych; dla każdego badania podaje datę, rodzaj i opis. Strona wymaga przeglądarki z WebAssembly; jeśli jej brak, strona o tym informuje i podaje nasz numer telefonu.
accessibility-feedback-heading = Zgłoś barierę
accessibility-feedback = Zauważyłeś barierę na tej stronie lub potrzebujesz treści w innej formie? Napisz lub zadzwoń do nas:
accessibility-enforcement-heading = Postępowanie pojednawcze
accessibility-enforcement = Jeśli w ciągu sześciu tygodni nie otrzymasz zadowalającej odpowiedzi na swoje zgłoszenie, możesz złożyć wniosek o postępowanie pojednawcze: do organu pojednawczego zgodnie z § 16 niemieckiej ustawy o równości osób z niepełnosprawnościami (BGG) lub – jeśli szpital jest instytucją kraju związkowego – do organu nadzorczego tego kraju związkowego. Postępowanie jest bezpłatne.
accessibility-reviewed = Deklarację ostatnio sprawdzono { $date }

## The acceptance rules' sentences (German and English come from `shared`)
rule-empty = Plik jest pusty.
rule-too-large = Plik jest większy niż maksymalny rozmiar przyjmowany przez tę usługę.
rule-program = To jest program (na przykład przeglądarka obrazów z płyty), a nie obraz. Nie jest potrzebny.
rule-executable-preamble = Ten obraz jest połączony z programem (jego pierwsze bajty mogłyby zostać uruchomione na komputerze). Ze względów bezpieczeństwa takie pliki są odrzucane; poproś o kopię obrazów bez programu.
rule-archive = To jest skompresowane archiwum. Wybierz je przyciskiem „Wybierz plik ZIP”, aby można było sprawdzić jego zawartość.
rule-pdf = To jest dokument PDF, a nie obraz. Listy lekarskie dołącz w kroku z listami.
rule-not-dicom = Ten plik nie jest obrazem DICOM.
rule-missing-file-meta = To jest plik DICOM starego typu bez standardowego nagłówka. Nie można go przyjąć; poproś nadawcę o standardową płytę DICOM.
rule-bad-file-meta = Nagłówek pliku DICOM jest uszkodzony.
rule-unknown-transfer-syntax = Obraz używa nieznanego kodowania (składni transferu).
rule-unsupported-transfer-syntax = Obraz używa kodowania (składni transferu), którego ta usługa nie potrafi odczytać.
rule-malformed = Plik DICOM jest uszkodzony i nie można go odczytać.
rule-truncated = Plik jest niekompletny (ucięty), na przykład z powodu nieudanego kopiowania.
rule-trailing-data = Po końcu obrazu plik zawiera inne dane, które do niego nie należą; plik został prawdopodobnie uszkodzony podczas zapisywania lub kopiowania.
rule-dicomdir = To jest spis treści płyty (DICOMDIR), a nie obraz. Służy tylko do kontroli.
rule-not-storage = Ten plik DICOM nie jest obrazem ani dokumentem, który można zapisać.
rule-missing-sop-class-uid = Obrazowi brakuje identyfikatora typu (SOP Class UID).
rule-missing-sop-instance-uid = Obrazowi brakuje unikalnego identyfikatora (SOP Instance UID).
rule-missing-study-instance-uid = Obrazowi brakuje identyfikatora badania (Study Instance UID).
rule-missing-series-instance-uid = Obrazowi brakuje identyfikatora serii (Series Instance UID).
rule-invalid-sop-class-uid = Identyfikator typu obrazu (SOP Class UID) jest nieprawidłowy.
rule-invalid-sop-instance-uid = Unikalny identyfikator obrazu (SOP Instance UID) jest nieprawidłowy.
rule-invalid-study-instance-uid = Identyfikator badania obrazu (Study Instance UID) jest nieprawidłowy.
rule-invalid-series-instance-uid = Identyfikator serii obrazu (Series Instance UID) jest nieprawidłowy.
