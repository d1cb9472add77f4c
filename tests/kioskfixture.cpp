#include "tests/kioskfixture.h"

#include "app/startup/translations.h"
#include "tests/harness/nohang.h"
#include "ui/kiosk/payscreen.h"

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

std::unique_ptr<KioskWindow> KioskFixture::openKiosk(const QString &name, ConnectionPool *pool,
                                                   const DatabaseConfig *config)
{
    auto kiosk = std::make_unique<KioskWindow>(name);
    QObject::connect(kiosk.get(), &KioskWindow::languageChosen, kiosk.get(), [](const QString &language) {
        Translations::install(*QCoreApplication::instance(), language);
    });
    kiosk->resize(1080, 1920);
    kiosk->show();
    if (!QTest::qWaitForWindowExposed(kiosk.get()))
        return nullptr;
    kiosk->databaseReady(pool ? *pool : *m_pool,
                         config ? *config : m_cluster.config(QStringLiteral("kiosk-%1").arg(name)));
    kiosk->payScreen()->setPollInterval(200);
    if (!m_driver.waitForAttract(*kiosk, kNoHangMs)) {
        qWarning("kiosk %s: %s", qPrintable(name), qPrintable(m_driver.failure()));
        return nullptr;
    }
    return kiosk;
}

template<typename Step> bool KioskFixture::drive(Step step)
{
    m_driver.resetTouches();
    const bool ok = step();
    m_touches += m_driver.touches();
    if (!ok)
        qWarning("%s", qPrintable(m_driver.failure()));
    return ok;
}

bool KioskFixture::tap(QPushButton *button)
{
    return drive([&] { return m_driver.tap(button); });
}

bool KioskFixture::toPlate(KioskWindow &kiosk)
{
    return drive([&] { return m_driver.toPlate(kiosk, kNoHangMs); });
}

bool KioskFixture::enterPlate(KioskWindow &kiosk, const QString &plate)
{
    return drive([&] { return m_driver.enterPlate(kiosk, plate); });
}
