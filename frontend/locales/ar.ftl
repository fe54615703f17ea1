# MACHINE TRANSLATION (Arabic, right to left) – not yet reviewed by a person.
# A hospital should have a native speaker check it before relying on it.
# Every message of en.ftl must exist here, plus a rule-<code> sentence per
# acceptance rule (a test checks).

app-name = إرسال الصور
loading = جارٍ التحميل …
load-failed = تعذّر على الصفحة تحميل معلومات المستشفى. يُرجى إعادة تحميل الصفحة بعد قليل أو الاتصال بنا.
language-nav = اللغة
step-count = الخطوة { $step } من { $steps }
continue = متابعة
back = رجوع
send = إرسال
remove = إزالة
try-again = حاول مرة أخرى
help-heading = المساعدة
hospital-text-english-only = هذا النص من المستشفى متوفر باللغة الإنجليزية فقط.
help-email = البريد الإلكتروني
help-fax = الفاكس

## Step 1: Welcome
welcome-heading = أرسل الصور إلى المستشفى
welcome-intro = يمكنك هنا إرسال الصور الطبية – مثل محتوى قرص مدمج من طبيب الأشعة – ورسائل الأطباء إلى { $hospital }.
welcome-one-way = يعمل هذا في اتجاه واحد فقط: لا يمكن لأحد رؤية صورك أو تنزيلها عبر هذه الصفحة.
welcome-not-looked-at = لن ينظر أحد إلى الصور حتى تتصل بنا أنت أو طبيبك.
welcome-encrypted = تُشفَّر ملفاتك على جهاز الكمبيوتر الخاص بك قبل إرسالها.
welcome-password = تُعطى كلمة مرور الرفع عبر الهاتف من عياداتنا الخارجية وأماناتنا؛ يُرجى عدم مشاركتها مع أحد.
welcome-get-in-touch = لا ينظر أحد إلى الصور تلقائيًا: يُرجى التواصل معنا (بالهاتف أو البريد الإلكتروني أو الفاكس أو البريد) للاتفاق على من ينظر في أي صور ولماذا.
privacy-heading = بيان الخصوصية
privacy-version = الإصدار { $version }
welcome-agree = أوافق على بيان الخصوصية
welcome-may-send = أنا المريض، أو أرسل هذه الصور بموافقة المريض
welcome-agree-missing = يُرجى تحديد "أوافق على بيان الخصوصية" للمتابعة.
welcome-may-send-missing = يُرجى تأكيد أنك المريض أو أنك ترسل بموافقة المريض.

## ما يحدث للإرسال، مكتوب من إعدادات الخادم
keeping-after = { $unit ->
    [weeks]
        { $count ->
            [one] بعد أسبوع واحد على الأكثر
            [two] بعد أسبوعين على الأكثر
            [few] بعد { $count } أسابيع على الأكثر
           *[other] بعد { $count } أسبوعًا على الأكثر
        }
   *[days]
        { $count ->
            [one] بعد يوم واحد على الأكثر
            [two] بعد يومين على الأكثر
            [few] بعد { $count } أيام على الأكثر
           *[other] بعد { $count } يومًا على الأكثر
        }
}
keeping-images = { $keeping ->
    [archive] تُرسل صورك فورًا إلى أرشيف الصور في المستشفى. وتحدد قواعد السجلات الطبية مدة حفظها هناك.
   *[mailbox] تبقى صورك ورسائلك في صندوق بريد المستشفى إلى أن ينقل الموظفون ما يخدم علاجك إلى ملفك الطبي. لا تُنقل الصور المرسلة لطلب رأي ثانٍ إلى الملف.
}
keeping-deleted = { $keeping ->
    [archive] يحذف صندوق البريد نسخة رسائلك وبيانات الاتصال الخاصة بك { keeping-after }.
   *[mailbox] يُحذف كل ما لم يُنقل إلى ملفك { keeping-after }.
}
keeping-full = إذا امتلأ صندوق البريد، فلن يقبل أي شيء جديد حتى تتوفر مساحة مرة أخرى. يُرجى المحاولة لاحقًا أو الاتصال بنا.

## Step 2: Password
password-heading = كلمة مرور الرفع
password-intro = أعطيناك عبر الهاتف كلمة مرور لإرسال الصور.
password-label = كلمة مرور الرفع
password-hint = يمكنك لصقها. الأحرف الكبيرة والصغيرة مهمة.
password-missing = يُرجى إدخال كلمة مرور الرفع.
password-checking = جارٍ التحقق …

## Step 3: Choose
choose-heading = اختر صورك
choose-intro = اختر مجلد القرص المدمج أو قرص DVD، أو ملفات الصور، أو ملف ZIP. يُفحص كل شيء أولًا على جهاز الكمبيوتر الخاص بك؛ ولا يُرسل شيء بعد.
choose-drop = اسحب مجلد القرص أو الملفات أو ملف ZIP إلى هنا
choose-or = أو
choose-folder = اختر مجلدًا
choose-files = اختر ملفات
choose-zip = اختر ملف ZIP
choose-cd-hint = مع القرص المدمج: أدخله، ثم اختر "اختر مجلدًا" وحدد محرك الأقراص (مثلًا D:). تُستبعد البرامج والملفات الأخرى الموجودة على القرص تلقائيًا.
choose-scanning = تم فحص { $done } من { $total } ملفًا …
choose-to-check = اعرض ما تم العثور عليه
choose-nothing = لم يتم اختيار أي ملفات. يُرجى اختيار مجلد أو ملفات أو ملف ZIP.
scan-failed = تعذّر فحص ملفاتك في هذا المتصفح. يُرجى إعادة تحميل الصفحة والمحاولة مرة أخرى، أو استخدام متصفح آخر.

## Step 4: Check
check-heading = تحقق مما سيُرسل
check-intro = تم العثور على هذه الصور. أزل التحديد عن أي فحص لا تريد إرساله.
check-none-found = لم يتم العثور على صور طبية (DICOM) فيما اخترته. يُرجى اختيار مجلد القرص المدمج أو ملف ZIP آخر.
check-born = (تاريخ الميلاد { $date })
check-no-name = الاسم غير مذكور
check-no-date = التاريخ غير معروف
check-study = فحص بتاريخ { $date }: { $description } { $modalities } – { $images ->
    [one] صورة واحدة
   *[other] { $images } صور
  }، { $size }
check-series-caption = سلاسل هذا الفحص
check-col-number = رقم
check-col-modality = النوع
check-col-description = الوصف
check-col-images = الصور
check-col-size = الحجم
check-many-patients-heading = صور لأكثر من شخص
check-many-patients = تعود هذه الملفات إلى { $count } أشخاص مختلفين. يُرجى إرسال صور مريض واحد فقط: أزل التحديد عن فحوصات الآخرين.
check-dicomdir-ok = يذكر فهرس القرص { $listed } صورة؛ وقد تم العثور عليها جميعًا.
check-dicomdir-missing = يذكر فهرس القرص { $listed } صورة، لكن { $missing } منها غير موجودة فيما اخترته. ربما ينقص مجلد، أو تعذّرت قراءة القرص بالكامل.
check-selected = المحدد: { $images ->
    [one] صورة واحدة
   *[other] { $images } صور
  }، { $size }
check-ignored-summary = { $count ->
    [one] تم استبعاد ملف واحد
   *[other] تم استبعاد { $count } ملفات
  }
check-ignored-intro = هذه الملفات ليست صورًا يمكننا استلامها. وهذا أمر طبيعي للبرامج والملفات الأخرى الموجودة على القرص.
check-ignored-caption = الملفات المستبعدة مع السبب
check-col-file = الملف
check-col-reason = السبب
check-ignored-more = … و{ $count } أخرى.
check-add-more = أضف ملفات أخرى
check-nothing-selected = يُرجى تحديد فحص واحد على الأقل لإرساله.
ignored-duplicate = الصورة نفسها موجودة بالفعل في ملف آخر؛ وتُرسل مرة واحدة.
ignored-unreadable = تعذّرت قراءة الملف. إذا كان على قرص مدمج، فتأكد من أن القرص لا يزال في المحرك.
ignored-zip-broken = ملف ZIP هذا (أو ملف بداخله) تالف ولا يمكن فتحه.
ignored-zip-encrypted = هذا الملف داخل ملف ZIP محمي بكلمة مرور ولا يمكن فتحه.
ignored-zip-unsafe-path = هذا الملف داخل ملف ZIP له اسم غير آمن وتم استبعاده.
ignored-zip-too-large = هذا الملف داخل ملف ZIP سيصبح بعد فك ضغطه أكبر مما تقبله هذه الخدمة.

## Step 5: About you
about-heading = عنك وعن طلبك
about-intro = حتى نتمكن من الوصول إليك ونعرف ما يجب فعله بالصور.
about-contact = كيف يمكننا الوصول إليك؟
about-name = اسمك
about-phone = الهاتف
about-email = البريد الإلكتروني
about-role = أنت
about-role-patient = المريض (أو أحد أقاربه)
about-role-doctor = طبيب
about-role-other = شخص آخر
about-purpose = الصور من أجل
about-purpose-treatment = مواصلة العلاج في المستشفى
about-purpose-second-opinion = رأي طبي ثانٍ
about-purpose-other = شيء آخر
about-department = القسم في المستشفى
about-department-unknown = لا أعرف / لا تفضيل لدي
about-contact-person = الشخص المسؤول في المستشفى (إن كنت تعرفه)
about-request = طلبك
about-request-hint = من يجب أن ينظر إلى الصور، وما السؤال؟ مثلًا: "لموعدي مع الدكتور ماير في قسم الأعصاب في 3 مارس."
about-letters = رسائل الأطباء (اختياري)
about-letters-hint = يمكنك إرفاق الرسائل أو التقارير كملفات PDF، أو صور لها (JPEG، PNG).
about-add-letters = أضف رسائل (PDF أو صورة)
about-remove-letter = إزالة { $name }
about-letters-not-pdf = هذه الملفات ليست مستندات PDF ولا صورًا (JPEG، PNG) ولم تُرفق: { $names }
about-letters-too-large = هذه الصور أكبر من 64 ميغابايت ولم تُرفق: { $names }. يُرجى التقاط الصورة بدقة أقل أو حفظها كملف PDF.
about-letter-study = الفحص الخاص بـ { $name }
about-name-missing = يُرجى إدخال اسمك.
about-reach-missing = يُرجى إدخال رقم هاتف أو عنوان بريد إلكتروني حتى نتمكن من الوصول إليك.
about-email-invalid = يبدو أن عنوان البريد الإلكتروني غير مكتمل. يُرجى التحقق منه.
about-role-missing = يُرجى اختيار ما إذا كنت المريض أو طبيبًا أو شخصًا آخر.
about-purpose-missing = يُرجى اختيار الغرض من الصور.
about-request-missing = يُرجى وصف طلبك.

## Step 6: Send
send-heading = جارٍ الإرسال
send-status = { $done } من { $files } ملفات، { $sent } من { $total }
send-speed = { $speed }/ث
send-left-minutes = يتبقى حوالي { $minutes ->
    [one] دقيقة واحدة
   *[other] { $minutes } دقائق
  }
send-left-seconds = يتبقى حوالي { $seconds } ثانية
send-study = فحص بتاريخ { $date } { $description }
send-letters = الرسائل
send-study-files = { $done } من { $files } ملفات
send-waiting = انقطع الاتصال. ستتم المحاولة مرة أخرى خلال { $seconds } ثانية – يستمر الرفع من حيث توقف.
send-pause = إيقاف مؤقت
send-resume = استئناف
send-paused = متوقف مؤقتًا. لن يُرسل شيء حتى تختار "استئناف".
send-keep-open = يُرجى إبقاء هذه الصفحة مفتوحة حتى يكتمل الرفع. إذا دخل جهاز الكمبيوتر في وضع السكون، يستمر الرفع عند استيقاظه.
send-finishing = تم إرسال جميع الملفات. جارٍ الإنهاء …
send-refused-heading = ملفات لم يتمكن المستشفى من قبولها
send-reauthenticate = أدخل كلمة المرور مرة أخرى

## Step 7: Receipt
receipt-heading = اكتمل الرفع
receipt-reference = الرقم المرجعي
receipt-sent = استلمنا { $images ->
    [one] صورة واحدة
   *[other] { $images } صور
  } و{ $letters ->
    [one] رسالة واحدة
   *[other] { $letters } رسائل
  } ({ $size }) في { $when }.
receipt-refused-heading = لم يتم قبولها
receipt-refused-line = { $count ->
    [one] ملف واحد
   *[other] { $count } ملفات
  }: { $reason }
receipt-next-heading = ماذا سيحدث بعد ذلك
receipt-next = يُرجى الاتصال بـ { $hospital } على الرقم { $phone } ({ $hours }) وذكر رقمك المرجعي. لن ينظر أحد إلى صورك قبل ذلك.
receipt-print = اطبع هذه الصفحة

## Screen reader announcements
announce-password-ok = تم قبول كلمة المرور.
announce-scanning = جارٍ فحص { $files } ملفات …
announce-scanned = انتهى الفحص: تم العثور على { $images } صور في { $studies } فحوصات، واستُبعد { $ignored } ملفات.
announce-letters = تم إرفاق { $count } رسائل.
announce-send-started = بدأ الإرسال.
announce-half = اكتمل نصف الرفع.
announce-connection-lost = انقطع الاتصال. جارٍ المحاولة مرة أخرى.
announce-paused = تم إيقاف الرفع مؤقتًا.
announce-resumed = تم استئناف الرفع.
announce-complete = اكتمل الرفع.
resume-notice = مرحبًا بعودتك. اختر المجلد أو الملفات نفسها مرة أخرى: سيتم تخطي ما أُرسل بالفعل.
session-ended-notice = انتهت جلستك لأنها لم تُستخدم لفترة. يُرجى إدخال كلمة مرور الرفع مرة أخرى: كل ما اخترته وكتبته محفوظ، ويبدأ الإرسال مباشرة بعد ذلك.
session-warning = ستنتهي جلستك خلال { $minutes ->
    [one] دقيقة واحدة
   *[other] { $minutes } دقائق
  } لأنه لم يحدث شيء منذ فترة. هل تريد المتابعة؟
session-keep = البقاء مسجلًا
announce-session-continued = جلستك مستمرة.
session-idle-ended-notice = تم إنهاء جلستك لأنه لم يحدث شيء منذ فترة. يُرجى إدخال كلمة المرور مرة أخرى. كل ما اخترته وكتبته محفوظ.

## Errors
error-summary-heading = يُرجى التحقق مما يلي
error-other = حدث خطأ ما (الرمز { $code }). يُرجى المحاولة لاحقًا أو الاتصال بنا.
error-wait-minutes = يُرجى الانتظار { $minutes ->
    [one] دقيقة واحدة
   *[other] { $minutes } دقائق
  }.
error-network-error = لا يمكن الوصول إلى خادم المستشفى. يُرجى التحقق من اتصالك بالإنترنت والمحاولة مرة أخرى.
error-protocol-error = أعطى الخادم إجابة غير متوقعة. يُرجى إعادة تحميل الصفحة والمحاولة مرة أخرى.
error-file-unreadable = تعذّرت قراءة ملف. إذا كان على قرص مدمج، فتأكد من أن القرص لا يزال في المحرك.
error-bad-request = تعذّر فهم الطلب. يُرجى إعادة تحميل الصفحة والمحاولة مرة أخرى.
error-consent-required = يُرجى الموافقة على بيان الخصوصية أولًا. إذا كانت الصفحة مفتوحة لفترة طويلة، فأعد تحميلها: ربما تغيّر البيان.
error-bad-envelope = تعذّر تشفير ملف بشكل صحيح. يُرجى المحاولة مرة أخرى.
error-wrong-password = كلمة المرور هذه غير صحيحة أو لم تعد صالحة. يُرجى التحقق منها، أو الاتصال بنا للحصول على كلمة المرور الحالية.
error-session-expired = انتهت جلستك لأنها لم تُستخدم لفترة طويلة. يُرجى إعادة تحميل الصفحة وإدخال كلمة المرور مرة أخرى.
error-upload-not-found = لم يعد الخادم يعرف عملية الرفع هذه. يُرجى المحاولة مرة أخرى.
error-method-not-allowed = أرسلت الصفحة طلبًا لا يدعمه الخادم. يُرجى إعادة تحميل الصفحة والمحاولة مرة أخرى.
error-request-timeout = كان الاتصال بطيئًا جدًا؛ يستمر الإرسال من تلقاء نفسه.
error-offset-mismatch = اختلّ تزامن الرفع؛ وتجري متابعته.
error-upload-busy = الملف قيد الإرسال بالفعل؛ يُرجى الانتظار.
error-upload-finished = تم استلام هذا الملف بالفعل.
error-upload-length-conflict = تم الإعلان عن هذا الملف من قبل بحجم مختلف. يُرجى إعادة تحميل الصفحة وإرساله مرة أخرى.
error-session-finished = اكتملت عملية الرفع هذه بالفعل. لإرسال المزيد من الصور، أعد تحميل الصفحة.
error-file-too-large = أحد الملفات أكبر مما تقبله هذه الخدمة.
error-session-too-large = الملفات معًا أكبر مما يُسمح به في عملية رفع واحدة. يُرجى إرسال عدد أقل من الفحوصات في كل مرة.
error-chunk-too-large = رفض الخادم جزءًا من الرفع لأنه كبير جدًا. يُرجى إعادة تحميل الصفحة والمحاولة مرة أخرى.
error-decrypt-failed = تلف ملف في طريقه إلى المستشفى. يُرجى إرساله مرة أخرى.
error-unknown-key = غيّر المستشفى مفتاح التشفير أثناء الرفع. يُرجى إعادة تحميل الصفحة والإرسال مرة أخرى.
error-locked-out = تم إدخال كلمات مرور خاطئة كثيرة. لأمانك، يُرجى الانتظار قبل المحاولة مرة أخرى.
error-rate-limited = محاولات كثيرة في وقت قصير. يُرجى الانتظار قليلًا والمحاولة مرة أخرى.
error-storage-failed = يواجه خادم المستشفى مشكلة في حفظ الملفات. يُرجى المحاولة لاحقًا أو الاتصال بنا.
error-io-failed = يواجه خادم المستشفى مشكلة في حفظ الملفات. يُرجى المحاولة لاحقًا أو الاتصال بنا.
error-disk-full = لا توجد مساحة كافية على خادم المستشفى حاليًا. ستحاول الصفحة مرة أخرى تلقائيًا. إذا استمرت المشكلة، يُرجى الاتصال بنا.
error-key-store-failed = يواجه خادم المستشفى مشكلة في مفاتيح التشفير. يُرجى المحاولة لاحقًا أو الاتصال بنا.
error-password-check-failed = تعذّر التحقق من كلمة المرور بسبب مشكلة في خادم المستشفى. يُرجى المحاولة لاحقًا أو الاتصال بنا.
error-worker-failed = خادم المستشفى مشغول. يُرجى المحاولة بعد قليل.
error-internal-error = يواجه خادم المستشفى مشكلة. يُرجى المحاولة لاحقًا أو الاتصال بنا.
error-mailbox-full = صندوق بريد المستشفى ممتلئ حاليًا. يُرجى المحاولة لاحقًا أو الاتصال بنا.
error-not-pdf = هذا الملف ليس مستند PDF ولا صورة (JPEG، PNG).
error-letter-unreadable = لا يمكن فتح هذه الصورة؛ ربما تكون تالفة. يُرجى التقاط الصورة مرة أخرى أو إرسال الرسالة كملف PDF.
error-letter-too-large = هذه الصورة كبيرة جدًا (أكثر من 64 ميغابايت أو 50 ميغابكسل). يُرجى التقاطها بدقة أقل أو إرسال الرسالة كملف PDF.

## Printable instructions (?view=instructions)
instructions-link = تعليمات للطباعة (خطوة بخطوة)
instructions-pdf = التعليمات كملف PDF (تنزيل)
instructions-heading = التعليمات: إرسال الصور
instructions-intro = كيفية إرسال الصور الطبية ورسائل الأطباء إلى { $hospital } عبر صفحة الرفع، خطوة بخطوة.
instructions-print = اطبع أو احفظ كملف PDF
instructions-back = العودة إلى صفحة الرفع
instructions-need-heading = ما تحتاج إليه
instructions-need-images = الصور: القرص المدمج أو قرص DVD من طبيب الأشعة (في محرك الكمبيوتر)، أو مجلد منسوخ منه، أو ملف ZIP.
instructions-need-computer = جهاز كمبيوتر بمتصفح ويب حديث. لا حاجة إلى تثبيت أي شيء.
instructions-steps-heading = خطوة بخطوة
instructions-step-welcome = اقرأ ما سيحدث لصورك، ووافق على بيان الخصوصية، وأكّد أنه يحق لك إرسالها.
instructions-step-password = اكتب أو الصق كلمة مرور الرفع التي أعطيناك إياها عبر الهاتف.
instructions-step-choose = اختر القرص المدمج أو مجلدًا أو ملف ZIP، أو اسحبه إلى الصفحة. تُفحص الصور على جهاز الكمبيوتر الخاص بك.
instructions-step-check = شاهد الفحوصات التي عُثر عليها مع التاريخ واسم المريض؛ أزل التحديد عن أي فحص لا تريد إرساله.
instructions-step-about = اذكر اسمك ورقم هاتف، والغرض من الصور وسؤالك؛ وأرفق رسائل الأطباء إن وُجدت.
instructions-step-send = تُشفَّر ملفاتك وتُرسل. يمكنك الإيقاف المؤقت؛ وإذا انقطع الاتصال، يستمر الإرسال من حيث توقف.
instructions-step-receipt = تحصل على رقم مرجعي. اطبعه أو دوّنه.
instructions-receipt-heading = إيصال الاستلام
instructions-receipt = يعرض إيصال الاستلام الرقم المرجعي، وعدد الصور والرسائل التي وصلت، وأي ملفات لم يتمكن المستشفى من قبولها مع السبب. لن ينظر أحد إلى صورك حتى تتصل بنا وتذكر الرقم المرجعي.
instructions-call-heading = بمن تتصل

## More pages (in every page's footer, opening in a new tab)
more-nav = المزيد عن هذه الصفحة
more-easy = لغة سهلة
more-accessibility = إمكانية الوصول
new-tab = (يُفتح في علامة تبويب جديدة)

## Plain language (?view=easy): short sentences, one statement each
easy-heading = لغة سهلة
easy-what-heading = ما هذا؟
easy-what =
    في هذه الصفحة يمكنك إرسال صور.
    تذهب الصور إلى { $hospital }.
    إنها صور من فحص طبي.
    مثلًا صورة أشعة.
    أو تصوير داخل جهاز على شكل أنبوب.
    غالبًا ما تكون الصور على قرص مدمج.
easy-need-heading = ماذا تحتاج؟
easy-need =
    تحتاج إلى القرص المدمج الذي عليه الصور.
    أو تكون الصور على جهاز الكمبيوتر الخاص بك.
    تحتاج إلى كلمة مرور.
    تحصل على كلمة المرور عبر الهاتف.
    يعطيك المستشفى إياها.
    لا تخبر أحدًا آخر بكلمة المرور.
easy-how-heading = كيف يعمل ذلك
easy-how =
    اقرأ أولًا القواعد الخاصة ببياناتك.
    وافق على القواعد.
    ثم اكتب كلمة المرور.
    اختر الصور على جهاز الكمبيوتر.
    تفحص الصفحة الصور.
    اكتب اسمك.
    اكتب رقم هاتفك.
    اكتب لماذا ترسل الصور.
    ثم أرسل الصور.
    الصور محمية في الطريق.
    المستشفى فقط يستطيع فتحها.
easy-after-heading = ماذا يحدث بعد ذلك؟
easy-after =
    في النهاية تحصل على رقم.
    دوّن الرقم.
    ثم اتصل بالمستشفى.
    قل الرقم في الهاتف.
    لا ينظر أحد إلى صورك قبل ذلك.
    هل لديك أسئلة؟
    اتصل بنا.
    رقم هاتفنا هو: { $phone }
easy-keep-heading = ماذا يحدث للصور؟
easy-keep =
    { $keeping ->
        [archive]
            تذهب الصور فورًا إلى أرشيف المستشفى.
            يحفظها المستشفى هناك حسب قواعده.
            يحذف المستشفى اسمك ورقم هاتفك.
            يحدث هذا { keeping-after }.
       *[mailbox]
            تبقى الصور أولًا في صندوق بريد المستشفى.
            يختار الأطباء الصور التي يحتاجونها لك.
            توضع هذه الصور في ملفك الطبي.
            يحذف المستشفى كل شيء آخر.
            يحدث هذا { keeping-after }.
    }
    أحيانًا يكون صندوق البريد ممتلئًا.
    عندها لا يمكنك إرسال الصور.
    حاول مرة أخرى لاحقًا.
    أو اتصل بنا.
easy-start = اذهب إلى صفحة الصور

## Accessibility statement (?view=accessibility)
accessibility-heading = بيان إمكانية الوصول
accessibility-intro = يريد { $hospital } أن تكون هذه الصفحة لإرسال الصور متاحة للجميع. المعيار هو لائحة تكنولوجيا المعلومات الخالية من العوائق الألمانية (BITV 2.0) وإرشادات الوصول إلى محتوى الويب (WCAG) 2.1، المستوى AA.
accessibility-status-heading = ما مدى إمكانية الوصول إلى هذه الصفحة؟
accessibility-status = الصفحة متاحة إلى حد كبير. يمكن استخدامها بالكامل بلوحة المفاتيح، وتعمل مع قارئات الشاشة، وتتكيف مع الشاشات الصغيرة والتكبير الشديد، وتبقى مقروءة في وضع التباين العالي. تُفحص تلقائيًا مع كل تغيير. يوجد في أسفل كل صفحة رابط إلى شرح بلغة سهلة.
accessibility-limits-heading = ما لم يصبح متاحًا بعد
accessibility-limits = لا تستطيع الصفحة وصف الصور الطبية نفسها؛ فهي تذكر لكل فحص التاريخ والنوع والوصف. تحتاج الصفحة إلى متصفح يدعم WebAssembly؛ وإذا لم يتوفر ذلك، تقول الصفحة ذلك وتذكر رقم هاتفنا.
accessibility-feedback-heading = الإبلاغ عن عائق
accessibility-feedback = هل لاحظت عائقًا في هذه الصفحة، أو تحتاج إلى المحتوى بشكل آخر؟ اكتب إلينا أو اتصل بنا:
accessibility-enforcement-heading = إجراء التسوية
accessibility-enforcement = إذا لم تتلقَّ ردًا مرضيًا على بلاغك خلال ستة أسابيع، يمكنك طلب إجراء تسوية: لدى هيئة التسوية وفقًا للمادة 16 من قانون المساواة للأشخاص ذوي الإعاقة الألماني (BGG)، أو – إذا كان المستشفى مؤسسة تابعة لولاية – لدى هيئة الإنفاذ في تلك الولاية. الإجراء مجاني.
accessibility-reviewed = تمت مراجعة هذا البيان آخر مرة في { $date }

## The acceptance rules' sentences (German and English come from `shared`)
rule-empty = الملف فارغ.
rule-too-large = الملف أكبر من الحد الأقصى الذي تقبله هذه الخدمة.
rule-program = هذا برنامج (مثل عارض الصور على القرص المدمج)، وليس صورة. ليس مطلوبًا.
rule-executable-preamble = هذه الصورة مرتبطة ببرنامج (يمكن أن تعمل بايتاتها الأولى على جهاز كمبيوتر). لأسباب أمنية تُرفض هذه الملفات؛ يُرجى طلب نسخة من الصور بدونه.
rule-archive = هذا أرشيف مضغوط. اختره باستخدام "اختر ملف ZIP" حتى يمكن فحص محتواه.
rule-pdf = هذا مستند PDF، وليس صورة. أرفق رسائل الأطباء في خطوة الرسائل.
rule-not-dicom = هذا الملف ليس صورة DICOM.
rule-missing-file-meta = هذا ملف DICOM قديم بدون رأس الملف القياسي. لا يمكن قبوله؛ يُرجى طلب قرص DICOM قياسي من المرسل.
rule-bad-file-meta = رأس ملف DICOM تالف.
rule-unknown-transfer-syntax = تستخدم الصورة ترميزًا غير معروف (بنية النقل).
rule-unsupported-transfer-syntax = تستخدم الصورة ترميزًا (بنية النقل) لا تستطيع هذه الخدمة قراءته.
rule-malformed = ملف DICOM تالف ولا يمكن قراءته.
rule-truncated = الملف غير مكتمل (مقطوع)، مثلًا لأن النسخ فشل.
rule-trailing-data = بعد نهاية الصورة يحتوي الملف على بيانات أخرى لا تنتمي إليها؛ ربما تلف الملف أثناء كتابته أو نسخه.
rule-dicomdir = هذا فهرس القرص المدمج (DICOMDIR)، وليس صورة. يُستخدم فقط للمقارنة.
rule-not-storage = ملف DICOM هذا ليس صورة أو مستندًا يمكن حفظه.
rule-missing-sop-class-uid = ينقص الصورة معرّف نوعها (SOP Class UID).
rule-missing-sop-instance-uid = ينقص الصورة معرّفها الفريد (SOP Instance UID).
rule-missing-study-instance-uid = ينقص الصورة معرّف فحصها (Study Instance UID).
rule-missing-series-instance-uid = ينقص الصورة معرّف سلسلتها (Series Instance UID).
rule-invalid-sop-class-uid = معرّف نوع الصورة (SOP Class UID) غير صالح.
rule-invalid-sop-instance-uid = المعرّف الفريد للصورة (SOP Instance UID) غير صالح.
rule-invalid-study-instance-uid = معرّف فحص الصورة (Study Instance UID) غير صالح.
rule-invalid-series-instance-uid = معرّف سلسلة الصورة (Series Instance UID) غير صالح.
