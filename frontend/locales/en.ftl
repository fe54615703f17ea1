# English texts of the upload page. Every message here must also exist in
# de.ftl (a test checks). Hospital-specific words (name, phones, privacy
# statement) are not here: the server hands them to the page.

app-name = Send images
loading = Loading …
load-failed = The page could not load the hospital's information. Please reload the page in a moment, or call us.
language-nav = Language
step-count = Step { $step } of { $steps }
continue = Continue
back = Back
send = Send
remove = Remove
try-again = Try again
help-heading = Help
hospital-text-english-only = This text from the hospital is available in English only.
help-email = E-mail
help-fax = Fax

## Step 1: Welcome
welcome-heading = Send images to the hospital
welcome-intro = Here you can send medical images – for example the contents of a CD from your radiologist – and doctor's letters to { $hospital }.
welcome-one-way = This works in one direction only: nobody can see or download your images through this page.
welcome-not-looked-at = Nobody looks at the images until you or your doctor call us.
welcome-encrypted = Your files are encrypted on your computer before they are sent.
welcome-password = The upload password is given out by phone by our outpatient clinics and secretariats; please do not pass it on.
welcome-get-in-touch = Nobody looks at the images automatically: please get in touch (by phone, e-mail, fax or post) to agree who looks at which images and why.
privacy-heading = Privacy statement
privacy-version = Version { $version }
welcome-agree = I agree to the privacy statement
welcome-may-send = I am the patient, or I send these images with the patient's agreement
welcome-agree-missing = Please tick "I agree to the privacy statement" to continue.
welcome-may-send-missing = Please confirm that you are the patient or send with the patient's agreement.

## What becomes of a sending, written from the server's configuration
## ($keeping: archive | mailbox; $unit: weeks | days; $count: how many)
keeping-after = { $unit ->
    [weeks]
        { $count ->
            [one] after one week at the latest
           *[other] after { $count } weeks at the latest
        }
   *[days]
        { $count ->
            [one] after one day at the latest
           *[other] after { $count } days at the latest
        }
}
keeping-images = { $keeping ->
    [archive] Your images go on at once to the hospital's image archive. How long they are kept there follows the rules for patient records.
   *[mailbox] Your images and letters stay in the hospital's mailbox until staff take what serves your care into your patient record. Images for a second opinion are not taken into it.
}
keeping-deleted = { $keeping ->
    [archive] The mailbox deletes its copy of your letters and your contact details { keeping-after }.
   *[mailbox] Everything not taken into your record is deleted { keeping-after }.
}
keeping-full = When the mailbox is full, it accepts nothing new until there is room again. Please try again later or call us.

## Step 2: Password
password-heading = Upload password
password-intro = We gave you a password for sending images by phone.
password-label = Upload password
password-hint = You can paste it. Upper and lower case matter.
password-missing = Please enter the upload password.
password-checking = Checking …

## Step 3: Choose
choose-heading = Choose your images
choose-intro = Choose the folder of the CD or DVD, the image files, or a ZIP file. Everything is checked on your computer first; nothing is sent yet.
choose-drop = Drag the CD's folder, files or a ZIP file here
choose-or = or
choose-folder = Choose folder
choose-files = Choose files
choose-zip = Choose ZIP file
choose-cd-hint = With a CD: insert it, then choose "Choose folder" and pick the CD drive (for example D:). Programs and other files on the CD are left out automatically.
choose-scanning = Checked { $done } of { $total } files …
choose-to-check = Show what was found
choose-nothing = No files were chosen. Please choose a folder, files or a ZIP file.
scan-failed = Your files could not be checked in this browser. Please reload the page and try again, or use another browser.

## Step 4: Check
check-heading = Check what will be sent
check-intro = These images were found. Untick any study you do not want to send.
check-none-found = No medical images (DICOM) were found in what you chose. Please choose the CD's folder or another ZIP file.
check-born = (born { $date })
check-no-name = Name not given
check-no-date = date unknown
check-study = Study of { $date }: { $description } { $modalities } – { $images ->
    [one] 1 image
   *[other] { $images } images
  }, { $size }
check-series-caption = Series of this study
check-col-number = No.
check-col-modality = Type
check-col-description = Description
check-col-images = Images
check-col-size = Size
check-many-patients-heading = Images of more than one person
check-many-patients = These files belong to { $count } different people. Please send only the images of one patient: untick the studies of the others.
check-dicomdir-ok = The CD's table of contents lists { $listed } images; all of them were found.
check-dicomdir-missing = The CD's table of contents lists { $listed } images, but { $missing } of them are missing from what you chose. Perhaps a folder is missing, or the CD could not be read completely.
check-selected = Selected: { $images ->
    [one] 1 image
   *[other] { $images } images
  }, { $size }
check-ignored-summary = { $count ->
    [one] 1 file is left out
   *[other] { $count } files are left out
  }
check-ignored-intro = These files are not images we can receive. This is normal for programs and other files on a CD.
check-ignored-caption = Files left out, with the reason
check-col-file = File
check-col-reason = Reason
check-ignored-more = … and { $count } more.
check-add-more = Add more files
check-nothing-selected = Please tick at least one study to send.
ignored-duplicate = The same image is in another file already; it is sent once.
ignored-unreadable = The file could not be read. If it is on a CD, check that the CD is still in the drive.
ignored-zip-broken = This ZIP file (or a file in it) is damaged and cannot be opened.
ignored-zip-encrypted = This file in the ZIP is protected by a password and cannot be opened.
ignored-zip-unsafe-path = This file in the ZIP has an unsafe name and was left out.
ignored-zip-too-large = This file in the ZIP would unpack to more than this service accepts.

## Step 5: About you
about-heading = About you and your request
about-intro = So that we can reach you and know what to do with the images.
about-contact = How can we reach you?
about-name = Your name
about-phone = Phone
about-email = E-mail
about-role = You are
about-role-patient = the patient (or a relative)
about-role-doctor = a doctor
about-role-other = someone else
about-purpose = The images are for
about-purpose-treatment = further treatment at the hospital
about-purpose-second-opinion = a second opinion
about-purpose-other = something else
about-department = Department at the hospital
about-department-unknown = I don't know / no preference
about-contact-person = Contact person at the hospital (if you know one)
about-request = Your request
about-request-hint = Who should look at the images, and what is the question? For example: "For my appointment with Dr Meier in neurology on 3 March."
about-letters = Doctor's letters (optional)
about-letters-hint = You can attach letters or reports as PDF files, or photos of them (JPEG, PNG).
about-add-letters = Add letters (PDF or photo)
about-remove-letter = Remove { $name }
about-letters-not-pdf = These files are neither PDF documents nor photos (JPEG, PNG) and were not attached: { $names }
about-letters-too-large = These photos are larger than 64 MB and were not attached: { $names }. Please take the photo at a lower resolution or save it as a PDF.
about-letter-study = Study for { $name }
about-name-missing = Please enter your name.
about-reach-missing = Please enter a phone number or an e-mail address so that we can reach you.
about-email-invalid = The e-mail address looks incomplete. Please check it.
about-role-missing = Please choose whether you are the patient, a doctor or someone else.
about-purpose-missing = Please choose what the images are for.
about-request-missing = Please describe your request.

## Step 6: Send
send-heading = Sending
send-status = { $done } of { $files } files, { $sent } of { $total }
send-speed = { $speed }/s
send-left-minutes = about { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
  } left
send-left-seconds = about { $seconds } seconds left
send-study = Study of { $date } { $description }
send-letters = Letters
send-study-files = { $done } of { $files } files
send-waiting = The connection was interrupted. Trying again in { $seconds } seconds – the upload continues where it stopped.
send-pause = Pause
send-resume = Resume
send-paused = Paused. Nothing is being sent until you choose "Resume".
send-keep-open = Please keep this page open until the upload is complete. If your computer goes to sleep, the upload continues when it wakes up.
send-finishing = All files are sent. Finishing …
send-refused-heading = Files the hospital could not accept
send-reauthenticate = Enter the password again

## Step 7: Receipt
receipt-heading = Upload complete
receipt-reference = Reference number
receipt-sent = We received { $images ->
    [one] 1 image
   *[other] { $images } images
  } and { $letters ->
    [one] 1 letter
   *[other] { $letters } letters
  } ({ $size }) on { $when }.
receipt-refused-heading = Not accepted
receipt-refused-line = { $count ->
    [one] 1 file
   *[other] { $count } files
  }: { $reason }
receipt-next-heading = What happens next
receipt-next = Please call { $hospital } at { $phone } ({ $hours }) and quote your reference number. Nobody looks at your images before that.
receipt-print = Print this page

## Screen reader announcements
announce-password-ok = Password accepted.
announce-scanning = Checking { $files } files …
announce-scanned = Check finished: { $images } images in { $studies } studies found, { $ignored } files left out.
announce-letters = { $count } letters attached.
announce-send-started = Sending started.
announce-half = Half of the upload is done.
announce-connection-lost = The connection was interrupted. Trying again.
announce-paused = Upload paused.
announce-resumed = Upload resumed.
announce-complete = Upload complete.
resume-notice = Welcome back. Choose the same folder or files again: what was already sent is skipped.
session-ended-notice = Your session ended because it was unused for a while. Please enter the upload password again: everything you chose and typed is kept, and sending starts right after.
session-warning = Your session will end in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
  } because nothing has happened for a while. Do you want to continue?
session-keep = Stay signed in
announce-session-continued = Your session continues.
session-idle-ended-notice = Your session was ended because nothing happened for a while. Please enter the password again. Everything you chose and typed is kept.

## Errors
error-summary-heading = Please check the following
error-other = Something went wrong (code { $code }). Please try again later or call us.
error-wait-minutes = Please wait { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
  }.
error-network-error = The hospital's server cannot be reached. Please check your internet connection and try again.
error-protocol-error = The server gave an unexpected answer. Please reload the page and try again.
error-file-unreadable = A file could no longer be read. If it is on a CD, check that the CD is still in the drive.
error-bad-request = The request could not be understood. Please reload the page and try again.
error-consent-required = Please agree to the privacy statement first. If the page was open for a long time, reload it: the statement may have changed.
error-bad-envelope = A file could not be encrypted correctly. Please try again.
error-wrong-password = This password is not correct or no longer valid. Please check it, or call us for the current password.
error-session-expired = Your session has ended because it was unused for too long. Please reload the page and enter the password again.
error-upload-not-found = The server no longer knows this upload. Please try again.
error-method-not-allowed = The page made a request the server does not offer. Please reload the page and try again.
error-request-timeout = The connection was too slow; sending continues by itself.
error-offset-mismatch = The upload got out of step; it is being resumed.
error-upload-busy = The file is being sent already; please wait.
error-upload-finished = This file was already received.
error-upload-length-conflict = This file was announced before with another size. Please reload the page and send it again.
error-session-finished = This upload was already completed. To send more images, reload the page.
error-file-too-large = A file is larger than this service accepts.
error-session-too-large = Together the files are larger than one upload may be. Please send fewer studies at a time.
error-chunk-too-large = The server refused a part of the upload as too large. Please reload the page and try again.
error-decrypt-failed = A file was damaged on its way to the hospital. Please send it again.
error-unknown-key = The hospital changed its encryption key during your upload. Please reload the page and send again.
error-locked-out = Too many wrong passwords were entered. For your security, please wait before trying again.
error-rate-limited = Too many attempts in a short time. Please wait a moment and try again.
error-storage-failed = The hospital's server has a problem storing files. Please try again later or call us.
error-io-failed = The hospital's server has a problem storing files. Please try again later or call us.
error-disk-full = The hospital's server has no room left at the moment. The page will try again by itself. If it keeps failing, please call us.
error-key-store-failed = The hospital's server has a problem with its encryption keys. Please try again later or call us.
error-password-check-failed = The password could not be checked because of a problem on the hospital's server. Please try again later or call us.
error-worker-failed = The hospital's server is busy. Please try again in a moment.
error-internal-error = The hospital's server has a problem. Please try again later or call us.
error-mailbox-full = The hospital's mailbox is full at the moment. Please try again later or call us.
error-not-pdf = This file is neither a PDF document nor a photo (JPEG, PNG).
error-letter-unreadable = This photo cannot be opened; it may be damaged. Please take the photo again or send the letter as a PDF.
error-letter-too-large = This photo is too large (more than 64 MB or 50 megapixels). Please take it at a lower resolution or send the letter as a PDF.

## Printable instructions (?view=instructions)
instructions-link = Instructions to print (step by step)
instructions-pdf = Instructions as PDF (download)
instructions-heading = Instructions: sending images
instructions-intro = How to send medical images and doctor's letters to { $hospital } through the upload page, step by step.
instructions-print = Print or save as PDF
instructions-back = Back to the upload page
instructions-need-heading = What you need
instructions-need-images = The images: the CD or DVD from your radiologist (in the computer's drive), a folder copied from it, or a ZIP file.
instructions-need-computer = A computer with a current web browser. Nothing needs to be installed.
instructions-steps-heading = Step by step
instructions-step-welcome = read what happens with your images, agree to the privacy statement and confirm that you may send them.
instructions-step-password = type or paste the upload password we gave you by phone.
instructions-step-choose = choose the CD, a folder or a ZIP file, or drag it onto the page. The images are checked on your computer.
instructions-step-check = see the studies found, with date and patient name; untick any you do not want to send.
instructions-step-about = give your name and a phone number, what the images are for and your question; attach doctor's letters if you have them.
instructions-step-send = your files are encrypted and sent. You can pause; if the connection breaks, sending continues where it stopped.
instructions-step-receipt = you get a reference number. Print it or write it down.
instructions-receipt-heading = The receipt
instructions-receipt = The receipt shows the reference number, how many images and letters arrived, and any files the hospital could not accept, with the reason. Nobody looks at your images until you call us and quote the reference number.
instructions-call-heading = Whom to call

## More pages (in every page's footer, opening in a new tab)
more-nav = More about this page
more-easy = Easy to read
more-accessibility = Accessibility
new-tab = (opens in a new tab)

## Plain language (?view=easy): short sentences, one statement each
easy-heading = Easy to read
easy-what-heading = What is this?
easy-what =
    On this page you can send pictures.
    The pictures go to { $hospital }.
    They are pictures from a medical examination.
    For example an X-ray.
    Or a scan in a tube.
    The pictures are often on a CD.
easy-need-heading = What do you need?
easy-need =
    You need the CD with the pictures.
    Or the pictures are already on your computer.
    You need a password.
    You get the password on the phone.
    The hospital gives it to you.
    Do not tell anyone else the password.
easy-how-heading = How it works
easy-how =
    First read the rules about your data.
    Agree to the rules.
    Then type in the password.
    Choose the pictures on your computer.
    The page checks the pictures.
    Write your name.
    Write your phone number.
    Write why you send the pictures.
    Then send the pictures.
    The pictures are protected on the way.
    Only the hospital can open them.
easy-after-heading = What happens next?
easy-after =
    At the end you get a number.
    Write the number down.
    Then call the hospital.
    Say the number on the phone.
    Nobody looks at your pictures before that.
    Do you have questions?
    Then call us.
    Our phone number is: { $phone }
easy-keep-heading = What happens to the pictures?
easy-keep =
    { $keeping ->
        [archive]
            The pictures go to the hospital's picture archive at once.
            The hospital keeps them there by its rules.
            The hospital deletes your name and phone number.
            It does this { keeping-after }.
       *[mailbox]
            The pictures stay in the hospital's mailbox first.
            Doctors choose the pictures they need for you.
            They put these pictures in your patient file.
            The hospital deletes everything else.
            It does this { keeping-after }.
    }
    Sometimes the mailbox is full.
    Then you cannot send pictures.
    Try again later.
    Or call us.
easy-start = Go to the page for the pictures

## Accessibility statement (?view=accessibility)
accessibility-heading = Accessibility statement
accessibility-intro = { $hospital } wants this page for sending images to be accessible to everyone. The standard is the German Accessible Information Technology Ordinance (BITV 2.0) and the Web Content Accessibility Guidelines (WCAG) 2.1, level AA.
accessibility-status-heading = How accessible is this page?
accessibility-status = The page is largely accessible. It can be used entirely with the keyboard, works with screen readers, adapts to small screens and strong magnification and stays readable in high-contrast mode. It is checked automatically with every change. An explanation in plain language is linked from the footer of every page.
accessibility-limits-heading = What is not yet accessible
accessibility-limits = The page cannot describe the medical images themselves; for each study it gives the date, kind and description. The page needs a browser with WebAssembly; where that is missing, the page says so and gives our phone number.
accessibility-feedback-heading = Report a barrier
accessibility-feedback = Have you found a barrier on this page, or do you need content in another form? Write to us or call us:
accessibility-enforcement-heading = Conciliation procedure
accessibility-enforcement = If you do not receive a satisfactory answer to your report within six weeks, you can apply for a conciliation procedure: with the conciliation body under section 16 of the German Disability Equality Act (BGG), or – if the hospital is an institution of a federal state – with that state's enforcement body. The procedure is free of charge.
accessibility-reviewed = This statement was last reviewed on { $date }
