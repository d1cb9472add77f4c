#include "tests/kioskfixture.h"

#include "app/startup/translations.h"
#include "tests/harness/nohang.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/onscreenkeyboard.h"
#include "ui/kiosk/payscreen.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"

#include <QApplication>
#include <QPushButton>
#include <QSettings>
#include <QTest>

using TestWaits::kNoHangMs;

void KioskFixture::startKioskSite(const QString &testName)
{
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QCoreApplication::setOrganizationName(QStringLiteral("carwash-test"));
    QCoreApplication::setApplicationName(testName);
    startEngine(testName);
}

void KioskFixture::resetKioskSite()
{
    resetCatalogue();
    // A zone where it is around midday now, so the day has free times
    // whenever the test runs (Etc/GMT-N is N hours east of UTC).
    const int utcHour = QDateTime::currentDateTimeUtc().time().hour();
    const int east = std::clamp(12 - utcHour, -12, 14);
    const QString zone = east == 0 ? QStringLiteral("Etc/GMT")
                                   : QStringLiteral("Etc/GMT%1%2")
                                         .arg(east > 0 ? QStringLiteral("-") : QStringLiteral("+"))
                                         .arg(std::abs(east));
    sql(QStringLiteral("UPDATE site_settings SET value = '%1' WHERE key = 'site.timezone'; "
                       "UPDATE opening_hours SET opens = '00:00', closes = '23:45'; "
                       "TRUNCATE stripe_events, payment_requests, refunds, attendant_calls CASCADE; "
                       "DELETE FROM card_readers; DELETE FROM kiosks; DELETE FROM site_settings WHERE key "
                       "LIKE 'kiosk.%'; "
                       "DELETE FROM process_health WHERE program = 'carwash-server'")
            .arg(zone));
    m_zone = QTimeZone(zone.toLatin1());
    m_touches = 0;
    startStripe();
}

void KioskFixture::stopKioskSite()
{
    m_stripe.stop();
    stopEngine();
}

void KioskFixture::setKiosk(const QString &name, const QStringList &methods, const QString &language)
{
    sql(QStringLiteral(
            "INSERT INTO kiosks (name, language, methods, updated_by) VALUES ('%1', '%2', '{%3}', 'test') "
            "ON CONFLICT (name) DO UPDATE SET language = EXCLUDED.language, methods = EXCLUDED.methods")
            .arg(name, language, methods.join(u',')));
}

QString KioskFixture::giveReader(const QString &name)
{
    const QString reader = m_stripe.registerReader(QStringLiteral("Kiosk %1").arg(name));
    sql(QStringLiteral("INSERT INTO card_readers (id, label, assigned_kind, assigned_to) "
                       "VALUES ('%1', 'Kiosk %2', 'kiosk', '%2')")
            .arg(reader, name));
    return reader;
}

std::unique_ptr<KioskWindow> KioskFixture::openKiosk(const QString &name)
{
    auto kiosk = std::make_unique<KioskWindow>(name);
    QObject::connect(kiosk.get(), &KioskWindow::languageChosen, kiosk.get(), [](const QString &language) {
        Translations::install(*QCoreApplication::instance(), language);
    });
    kiosk->resize(1080, 1920);
    kiosk->show();
    if (!QTest::qWaitForWindowExposed(kiosk.get()))
        return nullptr;
    kiosk->databaseReady(*m_pool, m_cluster.config(QStringLiteral("kiosk-%1").arg(name)));
    kiosk->payScreen()->setPollInterval(200);
    QElapsedTimer waited;
    waited.start();
    while ((kiosk->screen() != KioskWindow::Screen::Attract || kiosk->attractScreen()->isLoading()
            || kiosk->attractScreen()->services().isEmpty())
           && waited.elapsed() < kNoHangMs)
        QTest::qWait(10);
    if (kiosk->screen() != KioskWindow::Screen::Attract || kiosk->attractScreen()->services().isEmpty()) {
        qWarning("kiosk %s did not reach the attract screen", qPrintable(name));
        return nullptr;
    }
    return kiosk;
}

bool KioskFixture::tap(QPushButton *button)
{
    if (!button || !button->isVisible() || !button->isEnabled()) {
        qWarning("cannot tap %s: %s", button ? qPrintable(button->objectName()) : "(none)",
                 !button                    ? "missing"
                     : !button->isVisible() ? "hidden"
                                            : "disabled");
        return false;
    }
    ++m_touches;
    QTest::mouseClick(button, Qt::LeftButton, {}, button->rect().center());
    return true;
}

bool KioskFixture::toPlate(KioskWindow &kiosk)
{
    if (!tap(kiosk.attractScreen()->startButton()))
        return false;
    const Service first = kiosk.attractScreen()->services().first();
    if (!tap(kiosk.washScreen()->washButton(first.id)) || !tap(kiosk.washScreen()->continueButton()))
        return false;
    QElapsedTimer waited;
    waited.start();
    while ((kiosk.timeScreen()->isLoading() || !kiosk.timeScreen()->slotButton(0))
           && waited.elapsed() < kNoHangMs)
        QTest::qWait(10);
    return tap(kiosk.timeScreen()->slotButton(0)) && kiosk.screen() == KioskWindow::Screen::Plate;
}

bool KioskFixture::enterPlate(KioskWindow &kiosk, const QString &plate)
{
    OnScreenKeyboard *keyboard = kiosk.plateScreen()->keyboard();
    for (const QChar c : plate) {
        if (!tap(keyboard->key(QString(c))))
            return false;
    }
    return tap(kiosk.plateScreen()->continueButton());
}
