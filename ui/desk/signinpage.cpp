#include "ui/desk/signinpage.h"

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/common/pincheck.h"
#include "ui/common/stafftext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

const QString BannerSource = QStringLiteral("sign-in");
enum Column { NameColumn, RoleColumn, StatusColumn };

} // namespace

SignInPage::SignInPage(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_banner(banner)
{
    setObjectName(QStringLiteral("signInPage"));

    auto *product = new QLabel(tr("CarWash Desk"), this);
    product->setForegroundRole(QPalette::PlaceholderText);

    auto *heading = new QLabel(tr("Who is signing in?"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    auto *hint = new QLabel(tr("Choose your name, type your PIN and press Enter."), this);
    hint->setWordWrap(true);

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("signInNotice"));
    m_notice->setWordWrap(true);
    m_notice->setAccessibleName(tr("Notice"));
    m_notice->hide();

    m_people = new QTreeWidget(this);
    m_people->setObjectName(QStringLiteral("staffList"));
    m_people->setAccessibleName(tr("Staff"));
    m_people->setAccessibleDescription(tr("Choose your name, then type your PIN."));
    m_people->setColumnCount(3);
    m_people->setHeaderLabels({tr("Name"), tr("Role"), tr("Status")});
    m_people->setRootIsDecorated(false);
    m_people->setUniformRowHeights(true);
    m_people->setAllColumnsShowFocus(true);
    m_people->setSelectionMode(QAbstractItemView::SingleSelection);
    m_people->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_people->header()->setSectionResizeMode(RoleColumn, QHeaderView::ResizeToContents);
    m_people->header()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    m_people->header()->setStretchLastSection(false);
    m_people->setColumnHidden(StatusColumn, true);
    // Names read from across the counter: larger than the body text.
    QFont listFont = m_people->font();
    listFont.setPointSizeF(listFont.pointSizeF() * 1.3);
    m_people->setFont(listFont);
    m_people->setStyleSheet(QStringLiteral("QTreeView::item { padding: 4px 2px; }"));
    m_people->installEventFilter(this);
    connect(m_people, &QTreeWidget::currentItemChanged, this, &SignInPage::personChanged);
    // Enter or a double click on a name moves on to the PIN.
    connect(m_people, &QTreeWidget::itemActivated, this, [this] { m_pin->setFocus(Qt::OtherFocusReason); });

    auto *pinLabel = new QLabel(tr("&PIN:"), this);
    m_pin = PinCheck::field(this, QStringLiteral("pinField"), tr("PIN"));
    m_pin->setAccessibleDescription(tr("%1 to %2 digits; press Enter to sign in.")
                                        .arg(StaffRepo::MinPinDigits)
                                        .arg(StaffRepo::MaxPinDigits));
    m_pin->setPlaceholderText(
        tr("%1 to %2 digits").arg(StaffRepo::MinPinDigits).arg(StaffRepo::MaxPinDigits));
    pinLabel->setBuddy(m_pin);
    QFont pinFont = m_pin->font();
    pinFont.setPointSizeF(pinFont.pointSizeF() * 1.3);
    m_pin->setFont(pinFont);
    pinLabel->setFont(pinFont);
    connect(m_pin, &QLineEdit::returnPressed, this, &SignInPage::submit);

    m_signIn = new QPushButton(tr("&Sign in"), this);
    m_signIn->setObjectName(QStringLiteral("signInButton"));
    m_signIn->setAccessibleName(tr("Sign in"));
    connect(m_signIn, &QPushButton::clicked, this, &SignInPage::submit);
    m_signIn->setFont(pinFont);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("signInMessage"));
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Sign-in message"));
    m_message->setMinimumHeight(m_message->fontMetrics().height() * 2);
    m_message->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    // Everything said here is a problem to act on: wrong PIN, locked, ...
    m_message->setStyleSheet(QStringLiteral("color: #b3261e;"));

    m_busy = new BusyIndicator(this);

    auto *pinRow = new QHBoxLayout;
    pinRow->addWidget(pinLabel);
    pinRow->addWidget(m_pin, 1);
    pinRow->addWidget(m_signIn);

    auto *column = new QVBoxLayout;
    column->addStretch(1);
    column->addWidget(product);
    column->addWidget(heading);
    column->addWidget(hint);
    column->addWidget(m_notice);
    column->addWidget(m_people);
    column->addLayout(pinRow);
    column->addWidget(m_busy);
    column->addWidget(m_message);
    column->addStretch(2);

    // A readable column in the middle of a wide desk screen.
    auto *centre = new QWidget(this);
    centre->setLayout(column);
    centre->setMaximumWidth(fontMetrics().averageCharWidth() * 70);
    auto *layout = new QHBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(centre, 3);
    layout->addStretch(1);

    setTabOrder(m_people, m_pin);
    setTabOrder(m_pin, m_signIn);

    m_lockTick.setInterval(1000);
    connect(&m_lockTick, &QTimer::timeout, this, &SignInPage::refreshLocks);
    fitListHeight();
}

void SignInPage::reload()
{
    const int generation = ++m_loadGeneration;
    m_busy->start(tr("Loading staff…"));
    // Whether anyone is on the list at all, in the same unit of work: an
    // empty site is set up by its first run, not signed in to.
    auto loaded = m_pool.withRetry(QStringLiteral("staff.list_active"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) {
                                       StaffRepo staff(db);
                                       return StaffListing {staff.active(), staff.hasAnyone()};
                                   });
    Async::onResult(loaded, this, [this, generation](const DbResult<StaffListing> &result) {
        if (generation != m_loadGeneration)
            return; // a newer load is on its way
        if (!m_checking)
            m_busy->stop();
        m_loadFailed = !result.ok();
        if (!result.ok()) {
            m_banner.showMessage(BannerSource,
                                 tr("The staff list could not be loaded. %1").arg(result.error().message()),
                                 ErrorText::whatToDo(result.error()), [this] { reload(); });
            return;
        }
        m_banner.clear(BannerSource);
        const qint64 selectedId = selectedPerson() ? selectedPerson()->id : 0;
        m_staff = result->active;
        m_locks.clear();
        m_people->clear();
        QTreeWidgetItem *select = nullptr;
        for (const StaffMember &member : std::as_const(m_staff)) {
            auto *item
                = new QTreeWidgetItem(m_people, {member.name, StaffText::role(member.role), QString()});
            item->setData(NameColumn, Qt::UserRole, member.id);
            if (member.lockSecondsLeft > 0)
                m_locks.insert(member.id, QDeadlineTimer(qint64(member.lockSecondsLeft) * 1000));
            if (!select || member.id == selectedId)
                select = item; // the person chosen before, else the first
        }
        if (m_staff.isEmpty() && result->anyone)
            m_message->setText(tr("Nobody can sign in: everyone on the staff list has been deactivated. Ask "
                                  "your administrator."));
        if (select)
            m_people->setCurrentItem(select);
        fitListHeight();
        refreshLocks();
        Q_EMIT staffLoaded();
        if (!result->anyone)
            Q_EMIT firstRunNeeded();
    });
}

void SignInPage::fitListHeight()
{
    // As tall as the names need (a few rows at least), not a tall empty box.
    const int rowHeight = m_people->topLevelItemCount() > 0 ? m_people->sizeHintForRow(0)
                                                            : m_people->fontMetrics().height() * 3 / 2;
    const int rows = std::clamp(m_people->topLevelItemCount(), 3, 12);
    m_people->setFixedHeight(m_people->header()->sizeHint().height() + rows * rowHeight
                             + 2 * m_people->frameWidth() + rowHeight / 3);
}

void SignInPage::reloadIfFailed()
{
    if (m_loadFailed)
        reload();
}

void SignInPage::setNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

QString SignInPage::notice() const
{
    return m_notice->text();
}

QString SignInPage::message() const
{
    return m_message->text();
}

std::optional<StaffMember> SignInPage::selectedPerson() const
{
    const QTreeWidgetItem *item = m_people->currentItem();
    if (!item)
        return std::nullopt;
    const qint64 id = item->data(NameColumn, Qt::UserRole).toLongLong();
    for (const StaffMember &member : m_staff) {
        if (member.id == id)
            return member;
    }
    return std::nullopt;
}

void SignInPage::personChanged()
{
    m_pin->clear();
    m_message->clear();
    refreshLocks();
}

void SignInPage::refreshLocks()
{
    for (auto it = m_locks.begin(); it != m_locks.end();) {
        if (it->hasExpired())
            it = m_locks.erase(it);
        else
            ++it;
    }
    for (int row = 0; row < m_people->topLevelItemCount(); ++row) {
        QTreeWidgetItem *item = m_people->topLevelItem(row);
        const auto lock = m_locks.constFind(item->data(NameColumn, Qt::UserRole).toLongLong());
        const QString status = lock == m_locks.cend()
            ? QString()
            : tr("Locked, %1 left").arg(StaffText::duration(int((lock->remainingTime() + 999) / 1000)));
        item->setText(StatusColumn, status);
    }
    m_people->setColumnHidden(StatusColumn, m_locks.isEmpty());
    if (const std::optional<StaffMember> person = selectedPerson(); person && !m_checking) {
        const auto lock = m_locks.constFind(person->id);
        if (lock != m_locks.cend()) {
            m_message->setText(PinCheck::locked(person->name, int((lock->remainingTime() + 999) / 1000),
                                                PinCheck::LockAdvice::TryAgainOrReset));
        } else if (m_showingLock) {
            m_message->clear();
        }
        m_showingLock = lock != m_locks.cend();
    }
    if (m_locks.isEmpty())
        m_lockTick.stop();
    else if (!m_lockTick.isActive())
        m_lockTick.start();
}

void SignInPage::setChecking(bool checking)
{
    m_checking = checking;
    m_pin->setReadOnly(checking);
    m_signIn->setEnabled(!checking);
    m_people->setEnabled(!checking);
    if (checking)
        m_busy->start(tr("Checking PIN…"));
    else
        m_busy->stop();
}

void SignInPage::submit()
{
    if (m_checking)
        return;
    const std::optional<StaffMember> person = selectedPerson();
    if (!person) {
        m_message->setText(tr("Choose your name in the list first."));
        m_people->setFocus(Qt::OtherFocusReason);
        return;
    }
    const QString pin = m_pin->text();
    if (const QString problem = PinCheck::lengthProblem(pin); !problem.isEmpty()) {
        m_message->setText(problem);
        m_pin->setFocus(Qt::OtherFocusReason);
        return;
    }
    setChecking(true);
    m_message->clear();
    const QString name = person->name;
    Async::onResult(
        PinCheck::start(m_pool, person->id, pin), this, [this, name](const DbResult<SignInAttempt> &result) {
            setChecking(false);
            if (!result.ok()) {
                // The PIN stays typed, so Retry sends it again.
                m_banner.showMessage(BannerSource, tr("Signing in failed. %1").arg(result.error().message()),
                                     ErrorText::whatToDo(result.error()), [this] { submit(); });
                m_pin->setFocus(Qt::OtherFocusReason);
                return;
            }
            m_banner.clear(BannerSource);
            showAttempt(result.value(), name);
        });
}

void SignInPage::showAttempt(const SignInAttempt &attempt, const QString &name)
{
    m_pin->clear();
    m_showingLock = false;
    switch (attempt.outcome) {
    case SignInAttempt::Outcome::SignedIn:
        m_message->clear();
        m_locks.remove(attempt.member.id);
        refreshLocks();
        Q_EMIT signedIn(attempt.member);
        return;
    case SignInAttempt::Outcome::WrongPin:
        m_message->setText(PinCheck::wrongPin(name, attempt.attemptsLeft));
        break;
    case SignInAttempt::Outcome::Locked:
        m_locks.insert(attempt.member.id, QDeadlineTimer(qint64(attempt.lockedSeconds) * 1000));
        refreshLocks();
        break;
    case SignInAttempt::Outcome::NotFound:
        m_message->setText(tr("%1 can no longer sign in here. Ask a manager.").arg(name));
        reload();
        break;
    }
    m_pin->setFocus(Qt::OtherFocusReason);
}

void SignInPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_people->setFocus(Qt::OtherFocusReason);
}

bool SignInPage::eventFilter(QObject *watched, QEvent *event)
{
    // Digits typed while the list has the focus are the PIN: nobody has to
    // Tab over first.
    if (watched == m_people && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->text().size() == 1 && key->text().at(0).isDigit() && !m_checking) {
            m_pin->setFocus(Qt::OtherFocusReason);
            m_pin->insert(key->text());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}
