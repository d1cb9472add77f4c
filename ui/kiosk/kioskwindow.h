#pragma once

#include "db/kiosk/kioskprofile.h"
#include "db/pool/dberror.h"
#include "ui/common/startupwindow.h"
#include "ui/kiosk/kioskorder.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>

class AttractScreen;
class BookingChangeListener;
class DatabaseHealthWatcher;
class DoneScreen;
class IdleWatcher;
class KioskGuard;
class KioskIdleOverlay;
class ManagerPinOverlay;
class KioskScreen;
class OutOfServiceScreen;
class PayScreen;
class PlateScreen;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QStackedWidget;
struct StaffMember;
class TimeScreen;
class WashScreen;

// The self-service kiosk's one window (`carwash --kiosk`): attract → wash →
// time → plate → pay → done, each screen its own widget in a stack, with
// the language buttons, Back, Start over and Call attendant around them.
// Everything it asks of the database goes through the pool; the database
// away (at start or later) shows the out-of-service screen, which retries
// and recovers by itself. Never a dialog. On ready it makes sure of its
// profile (KioskRepo::ensure), releases the holds a crashed run left
// (releaseHolds) and greets in the profile's language.
class KioskWindow : public QWidget, public StartupWindow
{
    Q_OBJECT
public:
    enum class Screen { Starting, Attract, Wash, Time, Plate, Pay, Done, OutOfService };

    // Between retries of a failed start.
    static constexpr int StartRetryMs = 5000;
    void setStartRetryInterval(int milliseconds) { m_startRetry.setInterval(milliseconds); }

    // name empty: KioskRepo::defaultName().
    explicit KioskWindow(const QString &name = {}, QWidget *parent = nullptr);
    ~KioskWindow() override;

    QString kioskName() const { return m_name; }
    const KioskProfile &profile() const { return m_profile; }

    // StartupWindow: locked full screen (KioskGuard); start-up trouble is
    // the out-of-service screen, retried by itself.
    QWidget *widget() override { return this; }
    void showForStartup() override;
    void showStartupProgress(const QString &text) override;
    void showStartupFailure(const QString &message, const QString &whatToDo,
                            std::function<void()> retry) override;
    void databaseReady(ConnectionPool &pool, const DatabaseConfig &config) override;
    BookingChangeListener *bookingListener() override { return m_listener; }
    // Leaves as a manager's PIN does: the customer's hold and every other
    // hold of this kiosk released (waited for), then the window closes.
    void closeForTermination() override;

    Screen screen() const;
    KioskScreen *currentScreen() const;
    // Full reset, as the idle timeout does: the hold released and the card
    // payment cancelled, every plate, phone and e-mail cleared, the
    // profile's language, back to the attract screen.
    void startOver();
    // The reader processing a card, or a customer paying on the phone:
    // idle must not interrupt.
    bool paymentInProgress() const;
    // The language in use: en, es or de.
    QString language() const { return m_language; }
    const KioskOrder &order() const { return m_order; }
    // True once the profile is loaded and the holds of a previous run released.
    bool isReady() const { return m_ready; }

    AttractScreen *attractScreen() const { return m_attract; }
    WashScreen *washScreen() const { return m_wash; }
    TimeScreen *timeScreen() const { return m_time; }
    PlateScreen *plateScreen() const { return m_plate; }
    PayScreen *payScreen() const { return m_pay; }
    DoneScreen *doneScreen() const { return m_done; }
    OutOfServiceScreen *outOfServiceScreen() const { return m_outOfService; }
    DatabaseHealthWatcher *healthWatcher() const { return m_health; }
    // Watches for a customer gone quiet mid-flow: the site's
    // kiosk.idle_seconds once ready; active on the wash, time, plate and
    // pay screens, never interrupting a payment in progress.
    IdleWatcher *idleWatcher() const { return m_idle; }
    // "Still there?" after the quiet spell; its running out starts over.
    KioskIdleOverlay *idleOverlay() const { return m_idleOverlay; }
    // The lock (keys, closing, cursor) and the way out: a 3 s hold in the
    // top-left corner opens the manager PIN pad (once the database is
    // ready); a manager's PIN unlocks and closes the kiosk.
    KioskGuard *guard() const { return m_guard; }
    ManagerPinOverlay *managerPinOverlay() const { return m_pinOverlay; }
    QPushButton *backButton() const { return m_back; }
    QPushButton *startOverButton() const { return m_startOver; }
    QPushButton *callAttendantButton() const { return m_callAttendant; }
    // The button naming language ("en", "es", "de") in that language.
    QPushButton *languageButton(const QString &language) const;
    // What Call attendant last said came of it; empty before.
    QString attendantText() const;
    // The pool once the database is ready (databaseReady()), else nullptr.
    ConnectionPool *pool() const { return m_pool; }
    // For the kiosk's shell (KioskShell): a widget in the bar along the
    // top, left of the language buttons, on every screen.
    void addToTopBar(QWidget *widget);

Q_SIGNALS:
    // The customer chose a language (and startOver() went back to the
    // profile's): the application installs its translators.
    void languageChosen(const QString &language);
    void screenChanged(KioskWindow::Screen screen);
    // An attendant call was written (true) or not (false).
    void attendantCalled(bool ok);
    // A manager unlocked the kiosk to leave it (then it closes).
    void unlockedByManager(const QString &managerName);
    // Closed for good: the program is leaving.
    void closed();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void setScreen(Screen screen);
    void prepare();
    void goBack();
    // A manager unlocked the kiosk: the hold on screen and every other hold
    // of this kiosk released (waited for), then the window closes.
    void leave(const StaffMember &manager);
    // What leaving does, why saying who or what ended the kiosk.
    void releaseHoldsAndClose(const QString &why);
    void chooseLanguage(const QString &language);
    void callAttendant();
    void databaseTrouble(const DbError &error);
    void goOutOfService();
    // A card payment started on the reader or the phone and not yet over:
    // an outage does not take the kiosk out of service then.
    bool cardPaymentUnderWay() const;
    void idleNoticed();
    void updateIdle();
    void retranslate();
    void updateChrome();

    QString m_name;
    KioskProfile m_profile;
    QString m_language = QStringLiteral("en");
    bool m_languageInstalled = false;
    ConnectionPool *m_pool = nullptr;
    DatabaseConfig m_config;
    BookingChangeListener *m_listener = nullptr;
    DatabaseHealthWatcher *m_health = nullptr;
    IdleWatcher *m_idle = nullptr;
    KioskIdleOverlay *m_idleOverlay = nullptr;
    KioskGuard *m_guard = nullptr;
    ManagerPinOverlay *m_pinOverlay = nullptr;
    bool m_wasPaying = false;
    bool m_leaving = false; // unlocked by a manager or terminated: closing
    KioskOrder m_order;
    bool m_ready = false;
    bool m_preparing = false;
    std::function<void()> m_retryStart;
    QTimer m_startRetry;

    QStackedWidget *m_stack = nullptr;
    QLabel *m_starting = nullptr;
    AttractScreen *m_attract = nullptr;
    WashScreen *m_wash = nullptr;
    TimeScreen *m_time = nullptr;
    PlateScreen *m_plate = nullptr;
    PayScreen *m_pay = nullptr;
    DoneScreen *m_done = nullptr;
    OutOfServiceScreen *m_outOfService = nullptr;
    QHBoxLayout *m_topBar = nullptr;
    QList<QPushButton *> m_languages;
    QPushButton *m_back = nullptr;
    QPushButton *m_startOver = nullptr;
    QPushButton *m_callAttendant = nullptr;
    QLabel *m_attendant = nullptr;
};
