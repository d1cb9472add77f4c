#pragma once

#include "tests/harness/kioskdriver.h"
#include "tests/serverpaymentfixture.h"
#include "ui/kiosk/kioskwindow.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QPushButton;

// What the kiosk's GUI tests share on top of carwash-server's payment
// fixture (a real PostgreSQL, the fake Stripe, carwash-server as a
// process): a site whose zone makes now the middle of its day (so today
// always has free times), open all day; kiosks made as `carwash --kiosk`
// makes them, shown on the offscreen platform and driven by clicks on the
// buttons a customer sees (KioskDriver, which carwash-bench kiosk drives
// too), every click counted in m_touches. Use from the test thread.
class KioskFixture : public ServerPaymentFixture
{
protected:
    // Settings in a folder of the test's own, the cluster and pool.
    void startKioskSite(const QString &testName);
    // The catalogue afresh (no bookings, kiosks, readers or payments), the
    // zone and hours as above, a fresh fake Stripe.
    void resetKioskSite();
    void stopKioskSite();

    // The kiosk's row with methods (and no reader), before it starts.
    void setKiosk(const QString &name, const QStringList &methods,
                  const QString &language = QStringLiteral("en"));
    // A reader registered at the fake Stripe and assigned to the kiosk; its id.
    QString giveReader(const QString &name);

    // A kiosk window on the fixture's pool (or on pool, listening through
    // config, as a kiosk with its own pool), shown full screen, its language
    // buttons wired to Translations::install as the program wires them;
    // nullptr unless it reached the attract screen with the washes loaded.
    std::unique_ptr<KioskWindow> openKiosk(const QString &name, ConnectionPool *pool = nullptr,
                                           const DatabaseConfig *config = nullptr);

    // A customer's touch: a left click in the middle of button, which must
    // be visible and enabled (false, with a warning, otherwise). Counted.
    bool tap(QPushButton *button);
    // Attract → wash (the first card, car) → the next free time → plate.
    bool toPlate(KioskWindow &kiosk);
    // Each character of plate on the on-screen keyboard, then Continue.
    bool enterPlate(KioskWindow &kiosk, const QString &plate);

    QString one(const QString &statement) { return text(statement); }

    int m_touches = 0;
    KioskDriver m_driver;

private:
    // One driver step: its touches added to m_touches, its failure warned.
    template<typename Step> bool drive(Step step);
    QTemporaryDir m_settings;
};
