# MACHINE TRANSLATION (Turkish) – not yet reviewed by a person. A hospital
# should have a native speaker check it before relying on it. Every message
# of en.ftl must exist here, plus a rule-<code> sentence per acceptance rule
# (a test checks).

app-name = Görüntü gönder
loading = Yükleniyor …
load-failed = Sayfa hastanenin bilgilerini yükleyemedi. Lütfen biraz sonra sayfayı yeniden yükleyin veya bizi arayın.
language-nav = Dil
step-count = Adım { $step } / { $steps }
continue = Devam
back = Geri
send = Gönder
remove = Kaldır
try-again = Tekrar dene
help-heading = Yardım
hospital-text-english-only = Hastanenin bu metni yalnızca İngilizce olarak mevcuttur.
help-email = E-posta
help-fax = Faks

## Step 1: Welcome
welcome-heading = Hastaneye görüntü gönderin
welcome-intro = Buradan tıbbi görüntüleri – örneğin radyoloğunuzdan aldığınız bir CD'nin içeriğini – ve doktor mektuplarını { $hospital } adresine gönderebilirsiniz.
welcome-one-way = Bu yalnızca tek yönde çalışır: bu sayfa üzerinden kimse görüntülerinizi göremez veya indiremez.
welcome-not-looked-at = Siz veya doktorunuz bizi arayana kadar kimse görüntülere bakmaz.
welcome-encrypted = Dosyalarınız gönderilmeden önce bilgisayarınızda şifrelenir.
welcome-password = Yükleme şifresi polikliniklerimiz ve sekreterliklerimiz tarafından telefonla verilir; lütfen başkasına vermeyin.
welcome-get-in-touch = Görüntülere otomatik olarak kimse bakmaz: hangi görüntülere kimin ve neden bakacağını kararlaştırmak için lütfen bizimle iletişime geçin (telefon, e-posta, faks veya posta ile).
privacy-heading = Gizlilik bildirimi
privacy-version = Sürüm { $version }
welcome-agree = Gizlilik bildirimini kabul ediyorum
welcome-may-send = Hasta benim veya bu görüntüleri hastanın onayıyla gönderiyorum
welcome-agree-missing = Devam etmek için lütfen "Gizlilik bildirimini kabul ediyorum" kutusunu işaretleyin.
welcome-may-send-missing = Lütfen hasta olduğunuzu veya hastanın onayıyla gönderdiğinizi onaylayın.

## Bir gönderiye ne olduğu, sunucunun yapılandırmasından yazılır
keeping-after = { $unit ->
    [weeks]
        { $count ->
            [one] en geç bir hafta sonra
           *[other] en geç { $count } hafta sonra
        }
   *[days]
        { $count ->
            [one] en geç bir gün sonra
           *[other] en geç { $count } gün sonra
        }
}
keeping-images = { $keeping ->
    [archive] Görüntüleriniz hemen hastanenin görüntü arşivine iletilir. Orada ne kadar saklanacakları hasta kayıtlarına ilişkin kurallara göre belirlenir.
   *[mailbox] Görüntüleriniz ve mektuplarınız, personel tedavinize yarayanları hasta dosyanıza alana kadar hastanenin posta kutusunda kalır. İkinci görüş için gönderilen görüntüler dosyaya alınmaz.
}
keeping-deleted = { $keeping ->
    [archive] Posta kutusu, mektuplarınızın kopyasını ve iletişim bilgilerinizi { keeping-after } siler.
   *[mailbox] Dosyanıza alınmayan her şey { keeping-after } silinir.
}
keeping-full = Posta kutusu doluysa, yeniden yer açılana kadar yeni bir şey kabul etmez. Lütfen daha sonra tekrar deneyin veya bizi arayın.

## Step 2: Password
password-heading = Yükleme şifresi
password-intro = Görüntü göndermek için size telefonla bir şifre verdik.
password-label = Yükleme şifresi
password-hint = Şifreyi yapıştırabilirsiniz. Büyük ve küçük harfler önemlidir.
password-missing = Lütfen yükleme şifresini girin.
password-checking = Kontrol ediliyor …

## Step 3: Choose
choose-heading = Görüntülerinizi seçin
choose-intro = CD veya DVD klasörünü, görüntü dosyalarını veya bir ZIP dosyasını seçin. Her şey önce bilgisayarınızda kontrol edilir; henüz hiçbir şey gönderilmez.
choose-drop = CD klasörünü, dosyaları veya bir ZIP dosyasını buraya sürükleyin
choose-or = veya
choose-folder = Klasör seç
choose-files = Dosya seç
choose-zip = ZIP dosyası seç
choose-cd-hint = CD ile: CD'yi takın, "Klasör seç"i seçin ve CD sürücüsünü (örneğin D:) seçin. CD'deki programlar ve diğer dosyalar otomatik olarak dışarıda bırakılır.
choose-scanning = { $total } dosyanın { $done } tanesi kontrol edildi …
choose-to-check = Bulunanları göster
choose-nothing = Hiç dosya seçilmedi. Lütfen bir klasör, dosyalar veya bir ZIP dosyası seçin.
scan-failed = Dosyalarınız bu tarayıcıda kontrol edilemedi. Lütfen sayfayı yeniden yükleyip tekrar deneyin veya başka bir tarayıcı kullanın.

## Step 4: Check
check-heading = Gönderilecekleri kontrol edin
check-intro = Bu görüntüler bulundu. Göndermek istemediğiniz tetkiklerin işaretini kaldırın.
check-none-found = Seçtiğiniz dosyalarda tıbbi görüntü (DICOM) bulunamadı. Lütfen CD klasörünü veya başka bir ZIP dosyasını seçin.
check-born = (doğum { $date })
check-no-name = Ad belirtilmemiş
check-no-date = tarih bilinmiyor
check-study = { $date } tarihli tetkik: { $description } { $modalities } – { $images ->
    [one] 1 görüntü
   *[other] { $images } görüntü
  }, { $size }
check-series-caption = Bu tetkikin serileri
check-col-number = No.
check-col-modality = Tür
check-col-description = Açıklama
check-col-images = Görüntü
check-col-size = Boyut
check-many-patients-heading = Birden fazla kişiye ait görüntüler
check-many-patients = Bu dosyalar { $count } farklı kişiye ait. Lütfen yalnızca bir hastanın görüntülerini gönderin: diğerlerinin tetkiklerinin işaretini kaldırın.
check-dicomdir-ok = CD'nin içindekiler listesinde { $listed } görüntü var; hepsi bulundu.
check-dicomdir-missing = CD'nin içindekiler listesinde { $listed } görüntü var, ancak bunlardan { $missing } tanesi seçtiklerinizde yok. Belki bir klasör eksik veya CD tamamen okunamadı.
check-selected = Seçilen: { $images ->
    [one] 1 görüntü
   *[other] { $images } görüntü
  }, { $size }
check-ignored-summary = { $count ->
    [one] 1 dosya dışarıda bırakıldı
   *[other] { $count } dosya dışarıda bırakıldı
  }
check-ignored-intro = Bu dosyalar alabileceğimiz görüntüler değil. Bir CD'deki programlar ve diğer dosyalar için bu normaldir.
check-ignored-caption = Dışarıda bırakılan dosyalar ve nedeni
check-col-file = Dosya
check-col-reason = Neden
check-ignored-more = … ve { $count } tane daha.
check-add-more = Başka dosya ekle
check-nothing-selected = Lütfen göndermek için en az bir tetkik işaretleyin.
ignored-duplicate = Aynı görüntü zaten başka bir dosyada var; bir kez gönderilir.
ignored-unreadable = Dosya okunamadı. CD'deyse, CD'nin hâlâ sürücüde olup olmadığını kontrol edin.
ignored-zip-broken = Bu ZIP dosyası (veya içindeki bir dosya) hasarlı ve açılamıyor.
ignored-zip-encrypted = ZIP içindeki bu dosya şifreyle korunuyor ve açılamıyor.
ignored-zip-unsafe-path = ZIP içindeki bu dosyanın adı güvenli değil ve dışarıda bırakıldı.
ignored-zip-too-large = ZIP içindeki bu dosya açıldığında bu hizmetin kabul ettiğinden daha büyük olurdu.

## Step 5: About you
about-heading = Siz ve talebiniz hakkında
about-intro = Size ulaşabilmemiz ve görüntülerle ne yapacağımızı bilmemiz için.
about-contact = Size nasıl ulaşabiliriz?
about-name = Adınız
about-phone = Telefon
about-email = E-posta
about-role = Siz
about-role-patient = hastasınız (veya bir yakını)
about-role-doctor = bir doktorsunuz
about-role-other = başka birisiniz
about-purpose = Görüntüler şunun için
about-purpose-treatment = hastanede tedavinin devamı
about-purpose-second-opinion = ikinci görüş
about-purpose-other = başka bir şey
about-department = Hastanedeki bölüm
about-department-unknown = Bilmiyorum / tercihim yok
about-contact-person = Hastanedeki irtibat kişisi (biliyorsanız)
about-request = Talebiniz
about-request-hint = Görüntülere kim bakmalı ve soru nedir? Örneğin: "3 Mart'ta nörolojide Dr. Meier ile randevum için."
about-letters = Doktor mektupları (isteğe bağlı)
about-letters-hint = Mektupları veya raporları PDF dosyası olarak ya da fotoğraflarını (JPEG, PNG) ekleyebilirsiniz.
about-add-letters = Mektup ekle (PDF veya fotoğraf)
about-remove-letter = { $name } kaldır
about-letters-not-pdf = Bu dosyalar PDF belgesi veya fotoğraf (JPEG, PNG) değil ve eklenmedi: { $names }
about-letters-too-large = Bu fotoğraflar 64 MB'tan büyük ve eklenmedi: { $names }. Lütfen fotoğrafı daha düşük çözünürlükte çekin veya PDF olarak kaydedin.
about-letter-study = { $name } için tetkik
about-name-missing = Lütfen adınızı girin.
about-reach-missing = Size ulaşabilmemiz için lütfen bir telefon numarası veya e-posta adresi girin.
about-email-invalid = E-posta adresi eksik görünüyor. Lütfen kontrol edin.
about-role-missing = Lütfen hasta, doktor veya başka biri olduğunuzu seçin.
about-purpose-missing = Lütfen görüntülerin ne için olduğunu seçin.
about-request-missing = Lütfen talebinizi açıklayın.

## Step 6: Send
send-heading = Gönderiliyor
send-status = { $files } dosyanın { $done } tanesi, { $total } verinin { $sent } kadarı
send-speed = { $speed }/sn
send-left-minutes = yaklaşık { $minutes ->
    [one] 1 dakika
   *[other] { $minutes } dakika
  } kaldı
send-left-seconds = yaklaşık { $seconds } saniye kaldı
send-study = { $date } tarihli tetkik { $description }
send-letters = Mektuplar
send-study-files = { $files } dosyanın { $done } tanesi
send-waiting = Bağlantı kesildi. { $seconds } saniye içinde yeniden deneniyor – yükleme kaldığı yerden devam eder.
send-pause = Duraklat
send-resume = Sürdür
send-paused = Duraklatıldı. "Sürdür"ü seçene kadar hiçbir şey gönderilmez.
send-keep-open = Lütfen yükleme tamamlanana kadar bu sayfayı açık tutun. Bilgisayarınız uyku moduna geçerse, uyandığında yükleme devam eder.
send-finishing = Tüm dosyalar gönderildi. Tamamlanıyor …
send-refused-heading = Hastanenin kabul edemediği dosyalar
send-reauthenticate = Şifreyi yeniden girin

## Step 7: Receipt
receipt-heading = Yükleme tamamlandı
receipt-reference = Referans numarası
receipt-sent = { $when } tarihinde { $images ->
    [one] 1 görüntü
   *[other] { $images } görüntü
  } ve { $letters ->
    [one] 1 mektup
   *[other] { $letters } mektup
  } ({ $size }) aldık.
receipt-refused-heading = Kabul edilmedi
receipt-refused-line = { $count ->
    [one] 1 dosya
   *[other] { $count } dosya
  }: { $reason }
receipt-next-heading = Bundan sonra ne olacak
receipt-next = Lütfen { $hospital } kurumunu { $phone } numarasından ({ $hours }) arayın ve referans numaranızı söyleyin. O zamana kadar kimse görüntülerinize bakmaz.
receipt-print = Bu sayfayı yazdır

## Screen reader announcements
announce-password-ok = Şifre kabul edildi.
announce-scanning = { $files } dosya kontrol ediliyor …
announce-scanned = Kontrol bitti: { $studies } tetkikte { $images } görüntü bulundu, { $ignored } dosya dışarıda bırakıldı.
announce-letters = { $count } mektup eklendi.
announce-send-started = Gönderim başladı.
announce-half = Yüklemenin yarısı tamamlandı.
announce-connection-lost = Bağlantı kesildi. Yeniden deneniyor.
announce-paused = Yükleme duraklatıldı.
announce-resumed = Yükleme sürdürüldü.
announce-complete = Yükleme tamamlandı.
resume-notice = Tekrar hoş geldiniz. Aynı klasörü veya dosyaları yeniden seçin: daha önce gönderilenler atlanır.
session-ended-notice = Oturumunuz bir süre kullanılmadığı için sona erdi. Lütfen yükleme şifresini yeniden girin: seçtiğiniz ve yazdığınız her şey korunur ve gönderim hemen ardından başlar.
session-warning = Bir süredir hiçbir şey olmadığı için oturumunuz { $minutes ->
    [one] bir dakika
   *[other] { $minutes } dakika
  } içinde sona erecek. Devam etmek istiyor musunuz?
session-keep = Oturumda kal
announce-session-continued = Oturumunuz devam ediyor.
session-idle-ended-notice = Bir süredir hiçbir şey olmadığı için oturumunuz sonlandırıldı. Lütfen şifreyi yeniden girin. Seçtiğiniz ve yazdığınız her şey korunur.

## Errors
error-summary-heading = Lütfen şunları kontrol edin
error-other = Bir sorun oluştu (kod { $code }). Lütfen daha sonra tekrar deneyin veya bizi arayın.
error-wait-minutes = Lütfen { $minutes ->
    [one] 1 dakika
   *[other] { $minutes } dakika
  } bekleyin.
error-network-error = Hastanenin sunucusuna ulaşılamıyor. Lütfen internet bağlantınızı kontrol edip tekrar deneyin.
error-protocol-error = Sunucu beklenmeyen bir yanıt verdi. Lütfen sayfayı yeniden yükleyip tekrar deneyin.
error-file-unreadable = Bir dosya artık okunamadı. CD'deyse, CD'nin hâlâ sürücüde olup olmadığını kontrol edin.
error-bad-request = İstek anlaşılamadı. Lütfen sayfayı yeniden yükleyip tekrar deneyin.
error-consent-required = Lütfen önce gizlilik bildirimini kabul edin. Sayfa uzun süre açık kaldıysa yeniden yükleyin: bildirim değişmiş olabilir.
error-bad-envelope = Bir dosya doğru şifrelenemedi. Lütfen tekrar deneyin.
error-wrong-password = Bu şifre doğru değil veya artık geçerli değil. Lütfen kontrol edin veya güncel şifre için bizi arayın.
error-session-expired = Oturumunuz çok uzun süre kullanılmadığı için sona erdi. Lütfen sayfayı yeniden yükleyip şifreyi tekrar girin.
error-upload-not-found = Sunucu bu yüklemeyi artık tanımıyor. Lütfen tekrar deneyin.
error-method-not-allowed = Sayfa, sunucunun desteklemediği bir istekte bulundu. Lütfen sayfayı yeniden yükleyip tekrar deneyin.
error-request-timeout = Bağlantı çok yavaştı; gönderim kendiliğinden devam ediyor.
error-offset-mismatch = Yükleme senkronizasyonunu kaybetti; devam ettiriliyor.
error-upload-busy = Dosya zaten gönderiliyor; lütfen bekleyin.
error-upload-finished = Bu dosya zaten alındı.
error-upload-length-conflict = Bu dosya daha önce başka bir boyutla bildirildi. Lütfen sayfayı yeniden yükleyin ve dosyayı tekrar gönderin.
error-session-finished = Bu yükleme zaten tamamlandı. Daha fazla görüntü göndermek için sayfayı yeniden yükleyin.
error-file-too-large = Bir dosya bu hizmetin kabul ettiğinden daha büyük.
error-session-too-large = Dosyalar birlikte bir yüklemede izin verilenden daha büyük. Lütfen bir seferde daha az tetkik gönderin.
error-chunk-too-large = Sunucu yüklemenin bir bölümünü çok büyük olduğu için reddetti. Lütfen sayfayı yeniden yükleyip tekrar deneyin.
error-decrypt-failed = Bir dosya hastaneye giderken hasar gördü. Lütfen yeniden gönderin.
error-unknown-key = Hastane yüklemeniz sırasında şifreleme anahtarını değiştirdi. Lütfen sayfayı yeniden yükleyip tekrar gönderin.
error-locked-out = Çok fazla yanlış şifre girildi. Güvenliğiniz için lütfen tekrar denemeden önce bekleyin.
error-rate-limited = Kısa sürede çok fazla deneme. Lütfen biraz bekleyip tekrar deneyin.
error-storage-failed = Hastanenin sunucusunda dosyaları kaydetmeyle ilgili bir sorun var. Lütfen daha sonra tekrar deneyin veya bizi arayın.
error-io-failed = Hastanenin sunucusunda dosyaları kaydetmeyle ilgili bir sorun var. Lütfen daha sonra tekrar deneyin veya bizi arayın.
error-disk-full = Hastanenin sunucusunda şu anda yer kalmadı. Sayfa kendiliğinden tekrar deneyecek. Sorun sürerse lütfen bizi arayın.
error-key-store-failed = Hastanenin sunucusunda şifreleme anahtarlarıyla ilgili bir sorun var. Lütfen daha sonra tekrar deneyin veya bizi arayın.
error-password-check-failed = Hastanenin sunucusundaki bir sorun nedeniyle şifre kontrol edilemedi. Lütfen daha sonra tekrar deneyin veya bizi arayın.
error-worker-failed = Hastanenin sunucusu şu anda meşgul. Lütfen birazdan tekrar deneyin.
error-internal-error = Hastanenin sunucusunda bir sorun var. Lütfen daha sonra tekrar deneyin veya bizi arayın.
error-mailbox-full = Hastanenin posta kutusu şu anda dolu. Lütfen daha sonra tekrar deneyin veya bizi arayın.
error-not-pdf = Bu dosya bir PDF belgesi veya fotoğraf (JPEG, PNG) değil.
error-letter-unreadable = Bu fotoğraf açılamıyor; hasarlı olabilir. Lütfen fotoğrafı yeniden çekin veya mektubu PDF olarak gönderin.
error-letter-too-large = Bu fotoğraf çok büyük (64 MB'tan veya 50 megapikselden fazla). Lütfen daha düşük çözünürlükte çekin veya mektubu PDF olarak gönderin.

## Printable instructions (?view=instructions)
instructions-link = Yazdırılacak talimatlar (adım adım)
instructions-pdf = PDF olarak talimatlar (indir)
instructions-heading = Talimatlar: görüntü gönderme
instructions-intro = Yükleme sayfası üzerinden { $hospital } kurumuna tıbbi görüntüler ve doktor mektupları nasıl gönderilir, adım adım.
instructions-print = Yazdır veya PDF olarak kaydet
instructions-back = Yükleme sayfasına dön
instructions-need-heading = Neye ihtiyacınız var
instructions-need-images = Görüntüler: radyoloğunuzdan aldığınız CD veya DVD (bilgisayarın sürücüsünde), ondan kopyalanmış bir klasör veya bir ZIP dosyası.
instructions-need-computer = Güncel bir web tarayıcısı olan bir bilgisayar. Hiçbir şey yüklemeniz gerekmez.
instructions-steps-heading = Adım adım
instructions-step-welcome = görüntülerinize ne olacağını okuyun, gizlilik bildirimini kabul edin ve göndermeye yetkili olduğunuzu onaylayın.
instructions-step-password = size telefonla verdiğimiz yükleme şifresini yazın veya yapıştırın.
instructions-step-choose = CD'yi, bir klasörü veya bir ZIP dosyasını seçin ya da sayfaya sürükleyin. Görüntüler bilgisayarınızda kontrol edilir.
instructions-step-check = bulunan tetkikleri tarih ve hasta adıyla görün; göndermek istemediklerinizin işaretini kaldırın.
instructions-step-about = adınızı ve bir telefon numarası, görüntülerin ne için olduğunu ve sorunuzu belirtin; varsa doktor mektuplarını ekleyin.
instructions-step-send = dosyalarınız şifrelenir ve gönderilir. Duraklatabilirsiniz; bağlantı koparsa gönderim kaldığı yerden devam eder.
instructions-step-receipt = bir referans numarası alırsınız. Yazdırın veya not edin.
instructions-receipt-heading = Alındı belgesi
instructions-receipt = Alındı belgesi referans numarasını, kaç görüntü ve mektubun ulaştığını ve hastanenin kabul edemediği dosyaları nedeniyle birlikte gösterir. Siz bizi arayıp referans numarasını söyleyene kadar kimse görüntülerinize bakmaz.
instructions-call-heading = Kimi aramalı

## More pages (in every page's footer, opening in a new tab)
more-nav = Bu sayfa hakkında daha fazlası
more-easy = Kolay okunur
more-accessibility = Erişilebilirlik
new-tab = (yeni sekmede açılır)

## Plain language (?view=easy): short sentences, one statement each
easy-heading = Kolay okunur
easy-what-heading = Bu nedir?
easy-what =
    Bu sayfada resim gönderebilirsiniz.
    Resimler { $hospital } kurumuna gider.
    Bunlar bir tıbbi muayenenin resimleridir.
    Örneğin bir röntgen.
    Veya bir tüpte yapılan bir çekim.
    Resimler çoğu zaman bir CD'dedir.
easy-need-heading = Neye ihtiyacınız var?
easy-need =
    Resimlerin olduğu CD'ye ihtiyacınız var.
    Veya resimler zaten bilgisayarınızdadır.
    Bir şifreye ihtiyacınız var.
    Şifreyi telefonda alırsınız.
    Şifreyi size hastane verir.
    Şifreyi başka kimseye söylemeyin.
easy-how-heading = Nasıl yapılır
easy-how =
    Önce verilerinizle ilgili kuralları okuyun.
    Kuralları kabul edin.
    Sonra şifreyi yazın.
    Bilgisayarınızda resimleri seçin.
    Sayfa resimleri kontrol eder.
    Adınızı yazın.
    Telefon numaranızı yazın.
    Resimleri neden gönderdiğinizi yazın.
    Sonra resimleri gönderin.
    Resimler yolda korunur.
    Onları yalnızca hastane açabilir.
easy-after-heading = Sonra ne olur?
easy-after =
    Sonunda bir numara alırsınız.
    Numarayı not edin.
    Sonra hastaneyi arayın.
    Telefonda numarayı söyleyin.
    Ondan önce kimse resimlerinize bakmaz.
    Sorunuz var mı?
    O zaman bizi arayın.
    Telefon numaramız: { $phone }
easy-keep-heading = Resimlere ne olur?
easy-keep =
    { $keeping ->
        [archive]
            Resimler hemen hastanenin resim arşivine gider.
            Hastane resimleri orada kendi kurallarına göre saklar.
            Hastane adınızı ve telefon numaranızı siler.
            Bunu { keeping-after } yapar.
       *[mailbox]
            Resimler önce hastanenin posta kutusunda kalır.
            Doktorlar sizin için gereken resimleri seçer.
            Bu resimleri hasta dosyanıza koyarlar.
            Hastane geri kalan her şeyi siler.
            Bunu { keeping-after } yapar.
    }
    Bazen posta kutusu doludur.
    O zaman resim gönderemezsiniz.
    Daha sonra tekrar deneyin.
    Ya da bizi arayın.
easy-start = Resim sayfasına git

## Accessibility statement (?view=accessibility)
accessibility-heading = Erişilebilirlik beyanı
accessibility-intro = { $hospital }, görüntü göndermek için olan bu sayfanın herkes için erişilebilir olmasını istiyor. Ölçüt, Almanya'nın Erişilebilir Bilgi Teknolojisi Yönetmeliği (BITV 2.0) ve Web İçeriği Erişilebilirlik Yönergeleri (WCAG) 2.1, AA düzeyidir.
accessibility-status-heading = Bu sayfa ne kadar erişilebilir?
accessibility-status = Sayfa büyük ölçüde erişilebilirdir. Tamamen klavyeyle kullanılabilir, ekran okuyucularla çalışır, küçük ekranlara ve güçlü büyütmeye uyum sağlar ve yüksek kontrast modunda okunabilir kalır. Her değişiklikte otomatik olarak kontrol edilir. Her sayfanın alt kısmında sade dilde bir açıklamaya bağlantı vardır.
accessibility-limits-heading = Henüz erişilebilir olmayanlar
accessibility-limits = Sayfa tıbbi görüntülerin kendisini tarif edemez; her tetkik için tarihi, türü ve açıklamayı verir. Sayfa WebAssembly destekleyen bir tarayıcı gerektirir; bu yoksa sayfa bunu söyler ve telefon numaramızı verir.
accessibility-feedback-heading = Bir engeli bildirin
accessibility-feedback = Bu sayfada bir engel mi fark ettiniz veya içeriğe başka bir biçimde mi ihtiyacınız var? Bize yazın veya bizi arayın:
accessibility-enforcement-heading = Uzlaştırma süreci
accessibility-enforcement = Bildiriminize altı hafta içinde tatmin edici bir yanıt alamazsanız uzlaştırma süreci başlatabilirsiniz: Almanya Engelli Eşitliği Yasası (BGG) 16. madde uyarınca uzlaştırma kurumunda veya – hastane bir eyalet kurumu ise – o eyaletin denetim kurumunda. Süreç ücretsizdir.
accessibility-reviewed = Bu beyan en son { $date } tarihinde gözden geçirildi

## The acceptance rules' sentences (German and English come from `shared`)
rule-empty = Dosya boş.
rule-too-large = Dosya bu hizmetin kabul ettiği en büyük boyuttan daha büyük.
rule-program = Bu bir programdır (örneğin CD'deki görüntüleyici), görüntü değildir. Gerekli değildir.
rule-executable-preamble = Bu görüntü bir programla birleştirilmiş (ilk baytları bir bilgisayarda çalışabilir). Güvenlik için bu tür dosyalar reddedilir; lütfen görüntülerin program olmadan bir kopyasını isteyin.
rule-archive = Bu sıkıştırılmış bir arşiv. İçeriğinin kontrol edilebilmesi için "ZIP dosyası seç" ile seçin.
rule-pdf = Bu bir PDF belgesidir, görüntü değildir. Doktor mektuplarını mektup adımında ekleyin.
rule-not-dicom = Bu dosya bir DICOM görüntüsü değil.
rule-missing-file-meta = Bu, standart dosya başlığı olmayan eski tip bir DICOM dosyası. Kabul edilemez; lütfen göndericiden standart bir DICOM CD'si isteyin.
rule-bad-file-meta = DICOM dosya başlığı hasarlı.
rule-unknown-transfer-syntax = Görüntü bilinmeyen bir kodlama (aktarım sözdizimi) kullanıyor.
rule-unsupported-transfer-syntax = Görüntü bu hizmetin okuyamadığı bir kodlama (aktarım sözdizimi) kullanıyor.
rule-malformed = DICOM dosyası hasarlı ve okunamıyor.
rule-truncated = Dosya eksik (kesilmiş), örneğin kopyalama başarısız olduğu için.
rule-trailing-data = Görüntünün bitişinden sonra dosya, ona ait olmayan başka veriler içeriyor; dosya muhtemelen yazılırken veya kopyalanırken bozuldu.
rule-dicomdir = Bu, CD'nin içindekiler listesidir (DICOMDIR), görüntü değildir. Yalnızca karşılaştırma için kullanılır.
rule-not-storage = Bu DICOM dosyası saklanabilecek bir görüntü veya belge değil.
rule-missing-sop-class-uid = Görüntünün tür tanımlayıcısı (SOP Class UID) eksik.
rule-missing-sop-instance-uid = Görüntünün benzersiz tanımlayıcısı (SOP Instance UID) eksik.
rule-missing-study-instance-uid = Görüntünün tetkik tanımlayıcısı (Study Instance UID) eksik.
rule-missing-series-instance-uid = Görüntünün seri tanımlayıcısı (Series Instance UID) eksik.
rule-invalid-sop-class-uid = Görüntünün tür tanımlayıcısı (SOP Class UID) geçersiz.
rule-invalid-sop-instance-uid = Görüntünün benzersiz tanımlayıcısı (SOP Instance UID) geçersiz.
rule-invalid-study-instance-uid = Görüntünün tetkik tanımlayıcısı (Study Instance UID) geçersiz.
rule-invalid-series-instance-uid = Görüntünün seri tanımlayıcısı (Series Instance UID) geçersiz.
