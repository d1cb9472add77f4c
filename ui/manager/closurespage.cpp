#include "ui/manager/closurespage.h"

#include "db/calendar/calendarrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"

#include <QDateEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
enum Column { FromColumn, ToColumn, ReasonColumn };
}

ClosuresPage::ClosuresPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                           QWidget *parent)
    : SiteSetupPage(pool, manager, banner, parent)
{
    setObjectName(QStringLiteral("closuresPage"));
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("closureList"));
    m_list->setAccessibleName(tr("Closures"));
    m_list->setHeaderLabels({tr("From"), tr("To"), tr("Reason")});
    m_list->setRootIsDecorated(false);
    m_list->setAllColumnsShowFocus(true);
    m_list->header()->setSectionResizeMode(ReasonColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    connect(m_list, &QTreeWidget::currentItemChanged, this,
            [this] { m_remove->setEnabled(m_list->currentItem() != nullptr && !isBusy()); });

    const QLocale locale = DisplayLocale::get();
    const QString dateFormat = locale.dateFormat(QLocale::ShortFormat);
    // Today until the first load says the site's (see reload()).
    m_offered = QDate::currentDate();
    m_from = new QDateEdit(m_offered, this);
    m_from->setObjectName(QStringLiteral("closureFrom"));
    m_from->setAccessibleName(tr("Closed from"));
    m_from->setCalendarPopup(true);
    m_from->setDisplayFormat(dateFormat);
    m_to = new QDateEdit(m_offered, this);
    m_to->setObjectName(QStringLiteral("closureTo"));
    m_to->setAccessibleName(tr("Closed until"));
    m_to->setCalendarPopup(true);
    m_to->setDisplayFormat(dateFormat);
    // A one-day closure is the common case: moving the start carries the end.
    connect(m_from, &QDateEdit::dateChanged, this, [this](const QDate &date) {
        if (m_to->date() < date)
            m_to->setDate(date);
    });
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("closureReason"));
    m_reason->setAccessibleName(tr("Reason"));
    m_reason->setMaxLength(200);
    m_reason->setPlaceholderText(tr("For example: Public holiday"));

    m_add = new QPushButton(tr("&Add closure"), this);
    m_add->setObjectName(QStringLiteral("addClosure"));
    m_add->setAccessibleName(tr("Add the closure"));
    m_add->setAutoDefault(false);
    connect(m_add, &QPushButton::clicked, this, &ClosuresPage::add);
    m_remove = new QPushButton(tr("&Remove…"), this);
    m_remove->setObjectName(QStringLiteral("removeClosure"));
    m_remove->setAccessibleName(tr("Remove the selected closure"));
    m_remove->setAutoDefault(false);
    m_remove->setEnabled(false);
    connect(m_remove, &QPushButton::clicked, this, &ClosuresPage::removeSelected);

    auto *form = new QFormLayout;
    auto *fromLabel = new QLabel(tr("&From:"), this);
    fromLabel->setBuddy(m_from);
    auto *toLabel = new QLabel(tr("&To:"), this);
    toLabel->setBuddy(m_to);
    auto *reasonLabel = new QLabel(tr("R&eason:"), this);
    reasonLabel->setBuddy(m_reason);
    form->addRow(fromLabel, m_from);
    form->addRow(toLabel, m_to);
    form->addRow(QString(), fieldErrorLabel(QStringLiteral("dates")));
    form->addRow(reasonLabel, m_reason);
    form->addRow(QString(), fieldErrorLabel(QStringLiteral("reason")));

    setTabOrder(m_list, m_remove);
    setTabOrder(m_remove, m_from);
    setTabOrder(m_from, m_to);
    setTabOrder(m_to, m_reason);
    setTabOrder(m_reason, m_add);
    statusLabel()->setObjectName(QStringLiteral("closuresStatus"));

    auto *listButtons = new QHBoxLayout;
    listButtons->addStretch(1);
    listButtons->addWidget(m_remove);
    auto *addButtons = new QHBoxLayout;
    addButtons->addWidget(m_add);
    addButtons->addStretch(1);
    addButtons->addWidget(busyIndicator());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addLayout(listButtons);
    layout->addWidget(new QLabel(tr("New closure (whole days, both included):"), this));
    layout->addLayout(form);
    layout->addWidget(statusLabel());
    layout->addLayout(addButtons);
    connect(this, &SiteSetupPage::busyChanged, this, [this](bool busy) {
        m_add->setEnabled(!busy);
        m_remove->setEnabled(!busy && m_list->currentItem());
    });
}

void ClosuresPage::reload()
{
    load(
        QStringLiteral("closures.list"), tr("The closures could not be loaded."),
        [](QSqlDatabase &db) {
            return qMakePair(CalendarRepo(db).closures(), SettingsRepo(db).load().timeZone);
        },
        [this](const QPair<QList<Closure>, QTimeZone> &listed) {
            m_today = m_now().toTimeZone(listed.second).date();
            if (m_from->date() == m_offered && m_to->date() == m_offered) {
                m_offered = m_today;
                m_from->setDate(m_today);
                m_to->setDate(m_today);
            }
            display(listed.first);
            Q_EMIT loaded();
        },
        [this] { reload(); });
}

void ClosuresPage::setClock(std::function<QDateTime()> clock)
{
    m_now = std::move(clock);
}

void ClosuresPage::display(const QList<Closure> &closures)
{
    m_closures = closures;
    m_list->clear();
    const QLocale locale = DisplayLocale::get();
    const QDate today = m_today;
    for (const Closure &c : closures) {
        auto *item = new QTreeWidgetItem(m_list,
                                         {locale.toString(c.startsOn, QLocale::ShortFormat),
                                          locale.toString(c.endsOn, QLocale::ShortFormat), c.reason});
        item->setData(FromColumn, Qt::UserRole, c.id);
        if (c.endsOn < today) {
            // Past: kept for the record, greyed so the coming ones stand out.
            for (int column = 0; column < 3; ++column)
                item->setForeground(column, m_list->palette().brush(QPalette::Disabled, QPalette::Text));
            item->setToolTip(ReasonColumn, tr("Past"));
        }
    }
    m_remove->setEnabled(false);
}

void ClosuresPage::add()
{
    if (isBusy())
        return;
    const QDate from = m_from->date();
    const QDate to = m_to->date();
    const QString reason = m_reason->text();
    if (to < from) {
        showFieldErrors({{QStringLiteral("dates"), tr("The last day closed is before the first.")}});
        return;
    }
    clearFieldErrors();
    const int request = nextRequest();
    startBusy(tr("Saving…"));
    const QString actor = m_manager.actor();
    auto added = m_pool.withRetry(QStringLiteral("closures.add"), RetryPolicy::critical(),
                                  [from, to, reason, actor](QSqlDatabase &db) {
                                      return CalendarRepo(db).addClosure(from, to, reason, actor);
                                  });
    Async::onResult(added, this, [this, request](const DbResult<Closure> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        if (!result.ok()) {
            if (result.error().kind() == DbError::Kind::Invalid) {
                showFieldErrors({{QStringLiteral("reason"), result.error().message()}});
                return;
            }
            showFailure(tr("The closure was not added."), result.error(), [this] { add(); });
            return;
        }
        clearFailure();
        m_reason->clear();
        const QLocale locale = DisplayLocale::get();
        showSaved(tr("Saved: closed %1 to %2.")
                      .arg(locale.toString(result->startsOn, QLocale::ShortFormat),
                           locale.toString(result->endsOn, QLocale::ShortFormat)));
        Q_EMIT changed();
        reload();
    });
}

QMessageBox *ClosuresPage::removeSelected()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item || isBusy())
        return nullptr;
    const qint64 id = item->data(FromColumn, Qt::UserRole).toLongLong();
    Closure closure;
    for (const Closure &c : std::as_const(m_closures)) {
        if (c.id == id)
            closure = c;
    }
    if (closure.id == 0)
        return nullptr;
    const QLocale locale = DisplayLocale::get();
    auto *box
        = new QMessageBox(QMessageBox::Question, tr("Remove closure"),
                          tr("Open again on %1 to %2 (%3)?")
                              .arg(locale.toString(closure.startsOn, QLocale::ShortFormat),
                                   locale.toString(closure.endsOn, QLocale::ShortFormat), closure.reason),
                          QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("confirmRemoveClosure"));
    box->setDefaultButton(QMessageBox::No);
    box->button(QMessageBox::Yes)->setText(tr("&Remove"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, closure](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            remove(closure);
    });
    box->open();
    return box;
}

void ClosuresPage::remove(const Closure &closure)
{
    const int request = nextRequest();
    startBusy(tr("Removing…"));
    const QString actor = m_manager.actor();
    const qint64 id = closure.id;
    auto removed = m_pool.withRetry(
        QStringLiteral("closures.remove"), RetryPolicy::critical(),
        [id, actor](QSqlDatabase &db) { return CalendarRepo(db).removeClosure(id, actor); });
    Async::onResult(removed, this, [this, request, closure](const DbResult<Closure> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        if (!result.ok() && result.error().kind() != DbError::Kind::NotFound) {
            showFailure(tr("The closure was not removed."), result.error(),
                        [this, closure] { remove(closure); });
            return;
        }
        clearFailure();
        // Gone already (another desk removed it) is what was wanted.
        showSaved(tr("Removed the closure \"%1\".").arg(closure.reason));
        Q_EMIT changed();
        reload();
    });
}
