#include "ui/kiosk/managerpinoverlay.h"

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"
#include "ui/common/busyindicator.h"
#include "ui/common/pincheck.h"
#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/kioskstyle.h"

#include <QButtonGroup>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLoggingCategory>
#include <QMouseEvent>
#include <QPushButton>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcManagerPin, "carwash.ui.kiosk.pin", QtWarningMsg)

namespace {

constexpr int NamesPerRow = 3;
const QChar Dot(0x25CF); // ●

} // namespace

ManagerPinOverlay::ManagerPinOverlay(ConnectionPool &pool, QWidget *window)
    : KioskOverlay(window)
    , m_pool(pool)
{
    setObjectName(QStringLiteral("managerPinOverlay"));

    m_title = new QLabel(panel());
    m_title->setProperty(KioskStyle::RoleProperty, QStringLiteral("heading"));
    m_title->setAlignment(Qt::AlignCenter);
    m_hint = new QLabel(panel());
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);

    m_names = new QWidget(panel());
    m_namesLayout = new QGridLayout(m_names);
    m_namesLayout->setContentsMargins(0, 0, 0, 0);
    m_nameGroup = new QButtonGroup(this);
    m_nameGroup->setExclusive(true);
    connect(m_nameGroup, &QButtonGroup::idClicked, this, [this] {
        clearPin();
        m_message->clear();
    });

    m_dots = new QLabel(panel());
    m_dots->setObjectName(QStringLiteral("pinDots"));
    m_dots->setProperty(KioskStyle::RoleProperty, QStringLiteral("heading"));
    m_dots->setAlignment(Qt::AlignCenter);

    auto *pad = m_pad = new QGridLayout;
    for (int digit = 0; digit <= 9; ++digit) {
        auto *key = new QPushButton(QString::number(digit), panel());
        key->setObjectName(QStringLiteral("pinKey%1").arg(digit));
        connect(key, &QPushButton::clicked, this, [this, digit] { typeDigit(digit); });
        m_digits.append(key);
        if (digit > 0)
            pad->addWidget(key, (digit - 1) / 3, (digit - 1) % 3);
    }
    m_clear = new QPushButton(panel());
    m_clear->setObjectName(QStringLiteral("pinClear"));
    connect(m_clear, &QPushButton::clicked, this, [this] {
        clearPin();
        m_message->clear();
    });
    m_ok = new QPushButton(panel());
    m_ok->setObjectName(QStringLiteral("pinOk"));
    m_ok->setProperty(KioskStyle::RoleProperty, QStringLiteral("primary"));
    connect(m_ok, &QPushButton::clicked, this, &ManagerPinOverlay::submit);
    pad->addWidget(m_clear, 3, 0);
    pad->addWidget(m_digits.at(0), 3, 1);
    pad->addWidget(m_ok, 3, 2);

    m_message = new QLabel(panel());
    m_message->setObjectName(QStringLiteral("pinMessage"));
    m_message->setProperty(KioskStyle::RoleProperty, QStringLiteral("error"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_busy = new BusyIndicator(panel());

    m_retry = new QPushButton(panel());
    m_retry->setObjectName(QStringLiteral("pinRetry"));
    m_retry->hide();
    connect(m_retry, &QPushButton::clicked, this, &ManagerPinOverlay::loadManagers);
    m_cancel = new QPushButton(panel());
    m_cancel->setObjectName(QStringLiteral("pinCancel"));
    connect(m_cancel, &QPushButton::clicked, this, &ManagerPinOverlay::cancel);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_retry);
    bottom->addStretch(1);
    bottom->addWidget(m_cancel);

    panelLayout()->addWidget(m_title);
    panelLayout()->addWidget(m_hint);
    panelLayout()->addWidget(m_names);
    panelLayout()->addWidget(m_dots);
    panelLayout()->addLayout(pad);
    panelLayout()->addWidget(m_busy);
    panelLayout()->addWidget(m_message);
    panelLayout()->addLayout(bottom);

    // Every touch on the panel's buttons counts as the manager still there.
    for (QPushButton *button : panel()->findChildren<QPushButton *>())
        connect(button, &QPushButton::pressed, this, &ManagerPinOverlay::touched);

    m_idle.setSingleShot(true);
    m_idle.setInterval(DefaultIdleMs);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_checking) {
            m_idle.start(); // never while the PIN is being checked
            return;
        }
        qCInfo(lcManagerPin) << "The manager PIN pad was left untouched and closed.";
        cancel();
    });
    retranslate();
}

void ManagerPinOverlay::open()
{
    ++m_generation;
    clearPin();
    m_message->clear();
    setChecking(false);
    const KioskMetrics metrics(parentWidget()->screen());
    // The pad's keys a little larger than the smallest target: the PIN is
    // typed standing, perhaps in gloves.
    const int key = metrics.targetPixels() * 3 / 2;
    for (QPushButton *button : {m_clear, m_ok})
        button->setMinimumSize(key, key);
    for (QPushButton *digit : std::as_const(m_digits))
        digit->setMinimumSize(key, key);
    m_pad->setSpacing(metrics.gapPixels());
    m_namesLayout->setSpacing(metrics.gapPixels());
    // Room for three lines of message, so nothing jumps when one appears.
    m_message->setMinimumHeight(m_message->fontMetrics().lineSpacing() * 3);
    cover();
    m_idle.start();
    loadManagers();
}

void ManagerPinOverlay::close()
{
    ++m_generation;
    m_idle.stop();
    clearPin();
    m_message->clear();
    setChecking(false);
    hide();
}

void ManagerPinOverlay::cancel()
{
    close();
    Q_EMIT cancelled();
}

void ManagerPinOverlay::setIdleTimeout(int milliseconds)
{
    m_idle.setInterval(std::max(1, milliseconds));
    if (m_idle.isActive())
        m_idle.start();
}

QString ManagerPinOverlay::message() const
{
    return m_message->text();
}

void ManagerPinOverlay::touched()
{
    if (isVisible())
        m_idle.start();
}

void ManagerPinOverlay::mousePressEvent(QMouseEvent *event)
{
    touched();
    KioskOverlay::mousePressEvent(event);
}

void ManagerPinOverlay::loadManagers()
{
    const int generation = m_generation;
    m_retry->hide();
    m_busy->start(tr("Loading…"));
    auto loaded = m_pool.withRetry(QStringLiteral("staff.list_active"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return StaffRepo(db).active(); });
    Async::onResult(loaded, this, [this, generation](const DbResult<QList<StaffMember>> &result) {
        if (generation != m_generation)
            return;
        if (!m_checking)
            m_busy->stop();
        if (!result.ok()) {
            qCWarning(lcManagerPin).noquote()
                << "Loading the managers failed:" << result.error().toLogString();
            m_message->setText(tr("The managers could not be loaded: %1 Touch Try again, or Cancel.")
                                   .arg(result.error().message()));
            m_retry->show();
            return;
        }
        QList<StaffMember> managers;
        for (const StaffMember &member : result.value()) {
            if (member.isManager())
                managers.append(member);
        }
        showManagers(managers);
    });
}

void ManagerPinOverlay::showManagers(const QList<StaffMember> &managers)
{
    const qint64 chosen = m_nameGroup->checkedId() > 0 ? m_nameGroup->checkedId() : 0;
    for (QAbstractButton *button : m_nameGroup->buttons()) {
        m_nameGroup->removeButton(button);
        delete button;
    }
    m_managers = managers;
    const int height = KioskMetrics(parentWidget()->screen()).targetPixels() * 3 / 2; // as the pad's keys
    for (int i = 0; i < managers.size(); ++i) {
        auto *name = new QPushButton(managers.at(i).name, m_names);
        name->setObjectName(QStringLiteral("managerName"));
        name->setCheckable(true);
        name->setMinimumHeight(height);
        // Ids are bigint in the table but small in practice; QButtonGroup takes int.
        m_nameGroup->addButton(name, int(managers.at(i).id));
        connect(name, &QPushButton::pressed, this, &ManagerPinOverlay::touched);
        m_namesLayout->addWidget(name, i / NamesPerRow, i % NamesPerRow);
        if (managers.at(i).id == chosen || managers.size() == 1)
            name->setChecked(true);
    }
    m_hint->setText(managers.size() == 1 ? tr("Type the manager's PIN.")
                                         : tr("Touch your name, then type your PIN."));
    m_names->setVisible(managers.size() > 1);
    if (managers.isEmpty())
        m_message->setText(tr("No manager can sign in: ask your administrator to add one."));
}

void ManagerPinOverlay::typeDigit(int digit)
{
    if (m_checking || m_pin.size() >= StaffRepo::MaxPinDigits)
        return;
    m_pin.append(QChar(u'0' + digit));
    showPin();
}

void ManagerPinOverlay::clearPin()
{
    m_pin.fill(QChar(u'0'));
    m_pin.clear();
    showPin();
}

void ManagerPinOverlay::showPin()
{
    m_dots->setText(m_pin.isEmpty() ? QString() : QString(m_pin.size(), Dot));
    m_dots->setAccessibleName(tr("PIN, %n digit(s) typed", nullptr, int(m_pin.size())));
}

void ManagerPinOverlay::setChecking(bool checking)
{
    m_checking = checking;
    for (QPushButton *button : panel()->findChildren<QPushButton *>()) {
        if (button != m_cancel)
            button->setEnabled(!checking);
    }
    if (checking)
        m_busy->start(tr("Checking PIN…"));
    else
        m_busy->stop();
}

void ManagerPinOverlay::submit()
{
    if (m_checking)
        return;
    const int id = m_nameGroup->checkedId();
    auto manager = std::find_if(m_managers.cbegin(), m_managers.cend(),
                                [id](const StaffMember &member) { return member.id == id; });
    if (manager == m_managers.cend()) {
        m_message->setText(tr("Touch your name first."));
        return;
    }
    if (const QString problem = PinCheck::lengthProblem(m_pin); !problem.isEmpty()) {
        m_message->setText(problem);
        return;
    }
    setChecking(true);
    m_message->clear();
    const int generation = m_generation;
    Async::onResult(PinCheck::start(m_pool, manager->id, m_pin), this,
                    [this, generation](const DbResult<SignInAttempt> &result) {
                        if (generation != m_generation)
                            return;
                        setChecking(false);
                        if (!result.ok()) {
                            qCWarning(lcManagerPin).noquote()
                                << "Checking a manager PIN failed:" << result.error().toLogString();
                            // The PIN stays typed, so OK sends it again.
                            m_message->setText(tr("The PIN could not be checked: %1 Touch OK to try again.")
                                                   .arg(result.error().message()));
                            return;
                        }
                        showAttempt(result.value());
                    });
}

void ManagerPinOverlay::showAttempt(const SignInAttempt &attempt)
{
    clearPin();
    const QString name = attempt.member.name;
    switch (attempt.outcome) {
    case SignInAttempt::Outcome::SignedIn:
        if (!attempt.member.isManager()) {
            m_message->setText(tr("%1 is not a manager: only a manager can close the kiosk.").arg(name));
            loadManagers();
            return;
        }
        close();
        Q_EMIT unlocked(attempt.member);
        return;
    case SignInAttempt::Outcome::WrongPin:
        m_message->setText(PinCheck::wrongPin(name, attempt.attemptsLeft));
        return;
    case SignInAttempt::Outcome::Locked:
        m_message->setText(PinCheck::locked(name, attempt.lockedSeconds, PinCheck::LockAdvice::TryAgain));
        return;
    case SignInAttempt::Outcome::NotFound:
        m_message->setText(tr("That person can no longer sign in here."));
        loadManagers();
        return;
    }
}

void ManagerPinOverlay::retranslate()
{
    m_title->setText(tr("Manager PIN"));
    setAccessibleName(m_title->text()); // what speech reads as the overlay's title
    m_clear->setText(tr("Clear"));
    m_clear->setAccessibleName(tr("Clear the PIN"));
    m_ok->setText(tr("OK"));
    m_ok->setAccessibleName(tr("Check the PIN"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAccessibleName(tr("Cancel, back to the kiosk"));
    m_retry->setText(tr("Try again"));
    m_hint->setText(m_managers.size() == 1 ? tr("Type the manager's PIN.")
                                           : tr("Touch your name, then type your PIN."));
    showPin();
}

void ManagerPinOverlay::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    KioskOverlay::changeEvent(event);
}
