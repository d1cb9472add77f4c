#include "ui/kiosk/kioskwindow.h"

#include "db/calendar/settingsrepo.h"
#include "db/kiosk/kioskrepo.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "ui/common/databasehealthwatcher.h"
#include "ui/common/idlewatcher.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/donescreen.h"
#include "ui/kiosk/kioskguard.h"
#include "ui/kiosk/kioskidleoverlay.h"
#include "ui/kiosk/kioskstyle.h"
#include "ui/kiosk/managerpinoverlay.h"
#include "ui/kiosk/outofservicescreen.h"
#include "ui/kiosk/payscreen.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"

#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcKiosk, "carwash.ui.kiosk.window", QtWarningMsg)

namespace {

// Each language named in itself, so a customer finds their own.
struct LanguageName
{
    QString code;
    QString name;
};
const QList<LanguageName> Languages = {{QStringLiteral("en"), QStringLiteral("English")},
                                       {QStringLiteral("es"), QStringLiteral("Español")},
                                       {QStringLiteral("de"), QStringLiteral("Deutsch")}};

// The profile and the holds a previous run of this kiosk left behind.
struct KioskStart
{
    KioskProfile profile;
    int released = 0;
    int idleSeconds = 60;
};

QPushButton *chromeButton(const QString &objectName, QWidget *parent)
{
    auto *button = new QPushButton(parent);
    button->setObjectName(objectName);
    button->setAutoDefault(false);
    button->setFocusPolicy(Qt::StrongFocus);
    button->setMinimumHeight(button->fontMetrics().height() * 3);
    return button;
}

} // namespace

KioskWindow::KioskWindow(const QString &name, QWidget *parent)
    : QWidget(parent)
    , m_name(name.isEmpty() ? KioskRepo::defaultName() : name)
{
    setObjectName(QStringLiteral("kioskWindow"));
    m_guard = new KioskGuard(this, this);
    connect(m_guard, &KioskGuard::exitRequested, this, [this] {
        if (m_pinOverlay && !m_leaving && !m_pinOverlay->isVisible())
            m_pinOverlay->open();
    });

    auto *top = m_topBar = new QHBoxLayout;
    top->addStretch(1);
    for (const LanguageName &language : Languages) {
        QPushButton *button = chromeButton(QStringLiteral("language_%1").arg(language.code), this);
        button->setText(language.name);
        button->setAccessibleName(language.name);
        button->setCheckable(true);
        const QString code = language.code;
        connect(button, &QPushButton::clicked, this, [this, code] { chooseLanguage(code); });
        top->addWidget(button);
        m_languages.append(button);
    }

    m_stack = new QStackedWidget(this);
    m_starting = new QLabel(m_stack);
    m_starting->setObjectName(QStringLiteral("kioskStarting"));
    m_starting->setAlignment(Qt::AlignCenter);
    m_starting->setWordWrap(true);
    m_attract = new AttractScreen(m_stack);
    m_wash = new WashScreen(m_order, m_stack);
    m_time = new TimeScreen(m_order, m_stack);
    m_plate = new PlateScreen(m_order, m_stack);
    m_pay = new PayScreen(m_order, m_stack);
    m_done = new DoneScreen(m_stack);
    m_outOfService = new OutOfServiceScreen(m_stack);
    // In the order of Screen.
    for (QWidget *page : std::initializer_list<QWidget *> {m_starting, m_attract, m_wash, m_time, m_plate,
                                                           m_pay, m_done, m_outOfService})
        m_stack->addWidget(page);

    m_back = chromeButton(QStringLiteral("kioskBack"), this);
    connect(m_back, &QPushButton::clicked, this, &KioskWindow::goBack);
    m_startOver = chromeButton(QStringLiteral("kioskStartOver"), this);
    connect(m_startOver, &QPushButton::clicked, this, &KioskWindow::startOver);
    m_callAttendant = chromeButton(QStringLiteral("kioskCallAttendant"), this);
    connect(m_callAttendant, &QPushButton::clicked, this, &KioskWindow::callAttendant);
    m_attendant = new QLabel(this);
    m_attendant->setObjectName(QStringLiteral("kioskAttendantState"));
    m_attendant->setWordWrap(true);
    m_attendant->hide();
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_back);
    bottom->addWidget(m_startOver);
    bottom->addStretch(1);
    bottom->addWidget(m_attendant, 2);
    bottom->addWidget(m_callAttendant);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_stack, 1);
    layout->addLayout(bottom);

    connect(m_attract, &AttractScreen::started, this, [this] {
        m_wash->setServices(m_attract->services());
        setScreen(Screen::Wash);
    });
    connect(m_wash, &WashScreen::chosen, this, [this] {
        m_order.slot.reset();
        if (m_pool)
            m_time->reload(*m_pool);
        setScreen(Screen::Time);
    });
    connect(m_time, &TimeScreen::chosen, this, [this] {
        m_plate->showOrder();
        setScreen(Screen::Plate);
        m_plate->plateField()->setFocus(Qt::OtherFocusReason);
    });
    connect(m_plate, &PlateScreen::entered, this, [this] {
        m_order.language = m_language; // the customer's e-mails speak it too
        if (m_pool)
            m_pay->begin(*m_pool, m_profile);
        setScreen(Screen::Pay);
    });
    connect(m_pay, &PayScreen::finished, this, [this](const Booking &booking, bool paid) {
        m_done->showBooking(booking, paid, m_pool);
        setScreen(Screen::Done);
    });
    connect(m_pay, &PayScreen::stageChanged, this, [this] {
        updateChrome();
        updateIdle();
    });
    connect(m_done, &DoneScreen::finished, this, &KioskWindow::startOver);
    connect(m_attract, &AttractScreen::databaseTrouble, this, [this](const DbError &) { goOutOfService(); });
    connect(m_time, &TimeScreen::databaseTrouble, this, [this](const DbError &) { goOutOfService(); });
    connect(m_pay, &PayScreen::databaseTrouble, this, &KioskWindow::databaseTrouble);

    m_idle = new IdleWatcher(this);
    m_idle->setTimeout(60 * 1000);
    connect(m_idle, &IdleWatcher::idle, this, &KioskWindow::idleNoticed);
    m_idleOverlay = new KioskIdleOverlay(this);
    connect(m_idleOverlay, &KioskIdleOverlay::continued, this, [this] { m_idle->setActive(true); });
    connect(m_idleOverlay, &KioskIdleOverlay::timedOut, this, &KioskWindow::startOver);

    m_startRetry.setSingleShot(true);
    m_startRetry.setInterval(StartRetryMs);
    connect(&m_startRetry, &QTimer::timeout, this, [this] {
        if (m_retryStart)
            m_retryStart();
        else if (m_pool && !m_ready)
            prepare();
    });
    retranslate();
    setScreen(Screen::Starting);
    // Sizes from the screen's physical size, high contrast; the parts by role.
    KioskStyle::apply(this);
}

KioskWindow::~KioskWindow() = default;

void KioskWindow::showForStartup()
{
    if (isVisible())
        return;
    m_guard->lock(); // frameless, full screen on the primary screen
}

void KioskWindow::showStartupProgress(const QString &text)
{
    // Said for whoever services the kiosk; customers see a kiosk starting.
    m_starting->setText(tr("Starting…") + u'\n' + text);
    if (screen() != Screen::OutOfService)
        setScreen(Screen::Starting);
}

void KioskWindow::showStartupFailure(const QString &message, const QString &whatToDo,
                                     std::function<void()> retry)
{
    qCWarning(lcKiosk).noquote() << "kiosk start-up failed:" << message << whatToDo;
    m_retryStart = std::move(retry);
    setScreen(Screen::OutOfService);
    m_startRetry.start();
}

void KioskWindow::databaseReady(ConnectionPool &pool, const DatabaseConfig &config)
{
    m_retryStart = nullptr;
    m_startRetry.stop();
    m_pool = &pool;
    m_config = config;
    m_listener = new BookingChangeListener(this);
    connect(m_listener, &BookingChangeListener::paymentChanged, this,
            [this](qint64 bookingId, qint64, qint64) {
                if (m_order.booking && (bookingId == 0 || bookingId == m_order.booking->id))
                    m_pay->pollNow();
            });
    m_listener->start(config);
    m_pinOverlay = new ManagerPinOverlay(pool, this);
    connect(m_pinOverlay, &ManagerPinOverlay::unlocked, this, &KioskWindow::leave);
    m_health = new DatabaseHealthWatcher(pool, this);
    connect(m_health, &DatabaseHealthWatcher::checked, this, [this](DatabaseHealthWatcher::State state) {
        if (state == DatabaseHealthWatcher::State::Unavailable) {
            if (screen() != Screen::OutOfService && !cardPaymentUnderWay())
                goOutOfService();
        } else if (state != DatabaseHealthWatcher::State::Unknown && screen() == Screen::OutOfService
                   && !m_preparing) {
            // Back: releases what the customer on screen then had held, and greets anew.
            prepare();
        }
    });
    m_health->start();
    prepare();
}

void KioskWindow::prepare()
{
    if (!m_pool || m_preparing)
        return;
    m_preparing = true;
    const QString name = m_name;
    auto started
        = m_pool->withRetry(QStringLiteral("kiosk.start"), RetryPolicy::standard(),
                            [name](QSqlDatabase &db) -> DbResult<KioskStart> {
                                KioskRepo repo(db);
                                KioskStart start;
                                start.profile = repo.ensure(name);
                                start.released
                                    = repo.releaseHolds(name, QStringLiteral("kiosk started")).released();
                                start.idleSeconds = SettingsRepo(db).load().kioskIdleSeconds;
                                return start;
                            });
    Async::onResult(started, this, [this](const DbResult<KioskStart> &result) {
        m_preparing = false;
        if (!result.ok()) {
            qCWarning(lcKiosk).noquote() << "kiosk not ready:" << result.error().toLogString();
            goOutOfService();
            m_startRetry.start();
            return;
        }
        if (result->released > 0)
            qCInfo(lcKiosk) << "released" << result->released << "holds of an earlier run";
        m_profile = result->profile;
        m_idle->setTimeout(result->idleSeconds * 1000);
        m_ready = true;
        startOver();
    });
}

KioskWindow::Screen KioskWindow::screen() const
{
    return Screen(m_stack->currentIndex());
}

void KioskWindow::leave(const StaffMember &manager)
{
    if (m_leaving)
        return;
    qCInfo(lcKiosk).noquote() << "kiosk" << m_name << "unlocked by" << manager.actor();
    Q_EMIT unlockedByManager(manager.name);
    releaseHoldsAndClose(QStringLiteral("kiosk closed by a manager"));
}

void KioskWindow::closeForTermination()
{
    if (m_leaving)
        return;
    qCInfo(lcKiosk).noquote() << "kiosk" << m_name << "asked to end: releasing its holds";
    releaseHoldsAndClose(QStringLiteral("kiosk program ended"));
}

void KioskWindow::releaseHoldsAndClose(const QString &why)
{
    m_leaving = true;
    if (m_pinOverlay)
        m_pinOverlay->hide();
    // What the customer on screen had is cleared and their hold let go;
    // then every hold this kiosk still has, waited for, so none is left
    // behind when the pool closes with the window.
    startOver();
    if (!m_pool) {
        // Never reached the database: nothing of ours is held.
        m_guard->unlock();
        close();
        return;
    }
    const QString name = m_name;
    auto released = m_pool->withRetry(QStringLiteral("kiosk.close"), RetryPolicy::critical(),
                                      [name, why](QSqlDatabase &db) {
                                          return KioskRepo(db).releaseHolds(name, why);
                                      });
    Async::onResult(released, this, [this](const DbResult<KioskRelease> &result) {
        if (!result.ok())
            // They run out by themselves, and the kiosk's next start releases them.
            qCWarning(lcKiosk).noquote() << "holds not released on leaving:" << result.error().toLogString();
        m_guard->unlock();
        close();
    });
}

KioskScreen *KioskWindow::currentScreen() const
{
    return qobject_cast<KioskScreen *>(m_stack->currentWidget());
}

void KioskWindow::setScreen(Screen screen)
{
    m_stack->setCurrentIndex(int(screen));
    m_attendant->hide();
    m_idleOverlay->stop();
    updateChrome();
    // Each screen starts a quiet spell afresh.
    m_idle->setActive(screen == Screen::Wash || screen == Screen::Time || screen == Screen::Plate
                      || screen == Screen::Pay);
    m_wasPaying = paymentInProgress();
    Q_EMIT screenChanged(screen);
}

void KioskWindow::updateChrome()
{
    const Screen s = screen();
    const bool inFlow = s == Screen::Wash || s == Screen::Time || s == Screen::Plate || s == Screen::Pay;
    m_back->setVisible(inFlow);
    m_startOver->setVisible(inFlow || s == Screen::Done);
    m_callAttendant->setVisible(s != Screen::Starting);
    for (QPushButton *button : std::as_const(m_languages))
        button->setVisible(s != Screen::Starting);
    // Leaving while the reader works on a card would cancel a payment the
    // bank may already be taking: Back waits for its answer.
    const bool processing
        = s == Screen::Pay && m_pay->paymentInProgress() && m_pay->stage() == PayScreen::Stage::OnReader;
    m_back->setEnabled(!processing);
    m_startOver->setEnabled(!processing);
}

void KioskWindow::updateIdle()
{
    // A payment that ended (paid, cancelled, run out) starts a quiet spell
    // afresh: the customer may have walked away while it ran.
    const bool paying = paymentInProgress();
    if (paying)
        m_idleOverlay->stop(); // a payment began: the customer is there
    if (m_wasPaying && !paying && screen() == Screen::Pay)
        m_idle->setActive(true);
    m_wasPaying = paying;
}

void KioskWindow::idleNoticed()
{
    // A customer paying on the phone or at the reader is not idle; the
    // spell starts again when the payment ends.
    if (paymentInProgress())
        return;
    const Screen s = screen();
    if (s == Screen::Wash || s == Screen::Time || s == Screen::Plate || s == Screen::Pay)
        m_idleOverlay->start();
}

bool KioskWindow::paymentInProgress() const
{
    return screen() == Screen::Pay && m_pay->paymentInProgress();
}

void KioskWindow::startOver()
{
    m_idleOverlay->stop();
    // Everything the last customer entered goes, held or typed.
    m_pay->leave();
    m_order = KioskOrder();
    m_plate->clear();
    m_done->clear();
    m_wash->showOrder();
    if (!m_ready || !m_pool) {
        if (screen() != Screen::OutOfService)
            setScreen(Screen::Starting);
        return;
    }
    // The next customer is greeted in the kiosk's own language (installed
    // once at least, whatever the program started in).
    const QString greeting = m_profile.language.isEmpty() ? QStringLiteral("en") : m_profile.language;
    if (m_language != greeting || !m_languageInstalled)
        chooseLanguage(greeting);
    m_attract->reload(*m_pool);
    setScreen(Screen::Attract);
}

void KioskWindow::goBack()
{
    switch (screen()) {
    case Screen::Wash:
        startOver();
        return;
    case Screen::Time:
        m_wash->showOrder();
        setScreen(Screen::Wash);
        return;
    case Screen::Plate:
        m_plate->keepTyped();
        if (m_pool)
            m_time->reload(*m_pool);
        setScreen(Screen::Time);
        return;
    case Screen::Pay:
        m_pay->leave();
        m_plate->showOrder();
        setScreen(Screen::Plate);
        return;
    default:
        return;
    }
}

void KioskWindow::chooseLanguage(const QString &language)
{
    m_language = language;
    m_languageInstalled = true;
    for (int i = 0; i < m_languages.size(); ++i)
        m_languages[i]->setChecked(Languages[i].code == language);
    Q_EMIT languageChosen(language);
}

QPushButton *KioskWindow::languageButton(const QString &language) const
{
    for (int i = 0; i < Languages.size(); ++i) {
        if (Languages[i].code == language)
            return m_languages[i];
    }
    return nullptr;
}

void KioskWindow::addToTopBar(QWidget *widget)
{
    // After the stretch: the top-left corner stays empty for the manager's
    // hold (KioskGuard).
    m_topBar->insertWidget(m_topBar->count() - int(m_languages.size()), widget);
}

QString KioskWindow::attendantText() const
{
    return m_attendant->isVisible() ? m_attendant->text() : QString();
}

void KioskWindow::callAttendant()
{
    KioskScreen *shown = currentScreen();
    const QString what = shown ? shown->describe() : tr("Starting");
    m_attendant->setText(tr("Calling an attendant…"));
    m_attendant->show();
    if (!m_pool) {
        m_attendant->setText(tr("No attendant could be called from here. Please go to the desk."));
        Q_EMIT attendantCalled(false);
        return;
    }
    const QString name = m_name;
    auto called = m_pool->withRetry(
        QStringLiteral("kiosk.attendant"), RetryPolicy::standard(),
        [name, what](QSqlDatabase &db) { return KioskRepo(db).callAttendant(name, what); });
    Async::onResult(called, this, [this](const DbResult<AttendantCall> &result) {
        if (!result.ok()) {
            qCWarning(lcKiosk).noquote() << "attendant not called:" << result.error().toLogString();
            m_attendant->setText(tr("No attendant could be called from here. Please go to the desk."));
            Q_EMIT attendantCalled(false);
            return;
        }
        m_attendant->setText(tr("An attendant is on the way."));
        Q_EMIT attendantCalled(true);
    });
}

bool KioskWindow::cardPaymentUnderWay() const
{
    // The card may be taken already: the kiosk hears of it only through the
    // database. Going out of service, then back, released the paid booking
    // and left the customer without a code; the pay screen instead keeps
    // looking through the outage and shows the outcome once it is known.
    const PayScreen::Stage stage = m_pay->stage();
    return screen() == Screen::Pay && m_pay->paymentId() != 0
        && (stage == PayScreen::Stage::OnReader || stage == PayScreen::Stage::OnPhone
            || stage == PayScreen::Stage::Finishing);
}

void KioskWindow::databaseTrouble(const DbError &error)
{
    if (error.kind() == DbError::Kind::Unavailable || error.kind() == DbError::Kind::PoolTimeout) {
        if (!cardPaymentUnderWay())
            goOutOfService();
        if (m_health)
            m_health->checkNow();
    }
}

void KioskWindow::goOutOfService()
{
    // What the customer had held is released once the database is back
    // (releaseHolds on recovery); here it is only forgotten.
    m_pay->leave();
    m_order = KioskOrder();
    m_plate->clear();
    m_done->clear();
    m_ready = false;
    setScreen(Screen::OutOfService);
}

void KioskWindow::retranslate()
{
    setWindowTitle(tr("CarWash kiosk"));
    m_back->setText(tr("Back"));
    m_back->setAccessibleName(tr("Back"));
    m_back->setAccessibleDescription(tr("The screen before"));
    m_startOver->setText(tr("Start over"));
    m_startOver->setAccessibleName(tr("Start over"));
    m_startOver->setAccessibleDescription(tr("Forget everything chosen and begin again"));
    m_callAttendant->setText(tr("Call attendant"));
    m_callAttendant->setAccessibleName(tr("Call attendant"));
    m_callAttendant->setAccessibleDescription(tr("Someone from the desk comes to help"));
}

void KioskWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void KioskWindow::closeEvent(QCloseEvent *event)
{
    m_pay->leave();
    if (m_listener)
        m_listener->requestStop();
    QWidget::closeEvent(event);
    if (event->isAccepted())
        Q_EMIT closed();
}
