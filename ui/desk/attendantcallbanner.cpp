#include "ui/desk/attendantcallbanner.h"

#include "db/kiosk/kioskrepo.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcAttendantCalls, "carwash.ui.attendantcalls", QtWarningMsg)

namespace {

const QString ErrorSource = QStringLiteral("attendant_calls");

} // namespace

AttendantCallBanner::AttendantCallBanner(ConnectionPool &pool, ErrorBanner &errors, QWidget *parent)
    : QFrame(parent)
    , m_pool(pool)
    , m_errors(errors)
{
    setObjectName(QStringLiteral("attendantCallBanner"));
    setAccessibleName(tr("Kiosks calling for an attendant"));
    setFrameShape(QFrame::StyledPanel);
    // Red with white, large and bold: a customer is waiting at a kiosk.
    setStyleSheet(QStringLiteral(
        "#attendantCallBanner { background: #b00020; border: 2px solid #6d0014; border-radius: 4px; }"
        "#attendantCallBanner QLabel { color: white; background: transparent; }"));
    m_rows = new QVBoxLayout(this);
    m_rows->setContentsMargins(10, 6, 10, 6);
    m_rows->setSpacing(4);
    m_poll.setInterval(FallbackPollMs);
    connect(&m_poll, &QTimer::timeout, this, &AttendantCallBanner::reload);
    hide();
}

void AttendantCallBanner::attachListener(BookingChangeListener *listener)
{
    m_listener = listener;
    connect(listener, &BookingChangeListener::attendantCallChanged, this, [this] { reload(); });
    connect(listener, &BookingChangeListener::resyncNeeded, this, &AttendantCallBanner::reload);
    connect(listener, &BookingChangeListener::listeningChanged, this, &AttendantCallBanner::updatePolling);
    updatePolling();
}

void AttendantCallBanner::setActive(bool active, const QString &actor)
{
    m_active = active;
    m_actor = active ? actor : QString();
    ++m_generation; // a read still out belongs to the last session
    if (active) {
        reload();
    } else {
        m_calls.clear();
        m_errors.clear(ErrorSource);
        showCalls({});
    }
    updatePolling();
}

void AttendantCallBanner::updatePolling()
{
    const bool listening = m_listener && m_listener->isListening();
    if (m_active && !listening)
        m_poll.start();
    else
        m_poll.stop();
}

QString AttendantCallBanner::callText(const AttendantCall &call)
{
    const QString time = QLocale().toString(call.createdAt.toLocalTime().time(), QLocale::ShortFormat);
    if (call.screen.isEmpty())
        return tr("Kiosk %1 needs an attendant, %2").arg(call.kiosk, time);
    return tr("Kiosk %1 needs an attendant — %2, %3").arg(call.kiosk, call.screen, time);
}

void AttendantCallBanner::reload()
{
    if (!m_active)
        return;
    const int generation = ++m_generation;
    auto future = m_pool.withRetry(QStringLiteral("kiosk.open_calls"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return KioskRepo(db).openCalls(); });
    Async::onResult(future, this, [this, generation](const DbResult<QList<AttendantCall>> &result) {
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            // The database watcher says when the database is away; the
            // calls are read again when it is back (resync) or at the poll.
            qCWarning(lcAttendantCalls).noquote() << "open calls not read:" << result.error().toLogString();
            return;
        }
        showCalls(result.value());
    });
}

void AttendantCallBanner::showCalls(const QList<AttendantCall> &calls)
{
    QSet<qint64> before;
    for (const AttendantCall &c : std::as_const(m_calls))
        before.insert(c.id);
    bool anyNew = false;
    for (const AttendantCall &c : calls)
        anyNew = anyNew || !before.contains(c.id);
    m_calls = calls;
    while (QLayoutItem *item = m_rows->takeAt(0)) {
        if (QLayout *row = item->layout()) {
            while (QLayoutItem *child = row->takeAt(0)) {
                delete child->widget();
                delete child;
            }
        }
        delete item;
    }
    for (const AttendantCall &call : calls) {
        auto *row = new QHBoxLayout;
        auto *text = new QLabel(callText(call), this);
        text->setObjectName(QStringLiteral("attendantCallText_%1").arg(call.id));
        text->setTextFormat(Qt::PlainText);
        text->setWordWrap(true);
        QFont strong = text->font();
        strong.setBold(true);
        strong.setPointSizeF(strong.pointSizeF() * 1.25);
        text->setFont(strong);
        auto *going = new QPushButton(tr("I'm going"), this);
        going->setObjectName(QStringLiteral("attendantCallGoing_%1").arg(call.id));
        going->setAccessibleName(tr("I'm going to kiosk %1").arg(call.kiosk));
        going->setAutoDefault(false);
        going->setFocusPolicy(Qt::TabFocus); // never takes the focus from what someone types
        const qint64 id = call.id;
        connect(going, &QPushButton::clicked, this, [this, id, going] {
            going->setEnabled(false);
            acknowledge(id);
        });
        row->addWidget(text, 1);
        row->addWidget(going, 0, Qt::AlignVCenter);
        m_rows->addLayout(row);
    }
    setVisible(m_active && !calls.isEmpty());
    if (anyNew && m_active)
        QApplication::alert(window()); // the taskbar flashes on a desk busy in another window
    Q_EMIT callsChanged();
}

void AttendantCallBanner::acknowledge(qint64 callId)
{
    if (!m_active)
        return;
    const QString actor = m_actor;
    auto future = m_pool.withRetry(
        QStringLiteral("kiosk.acknowledge_call"), RetryPolicy::standard(),
        [callId, actor](QSqlDatabase &db) { return KioskRepo(db).acknowledge(callId, actor); });
    Async::onResult(future, this, [this, callId](const DbResult<AttendantCall> &result) {
        if (!result.ok()) {
            m_errors.showMessage(ErrorSource, tr("The kiosk's call could not be answered."),
                                 ErrorText::whatToDo(result.error()),
                                 [this, callId] { acknowledge(callId); });
            reload(); // its button usable again
            return;
        }
        m_errors.clear(ErrorSource);
        // Gone here at once; the read after it confirms what is still open.
        QList<AttendantCall> left = m_calls;
        left.removeIf([callId](const AttendantCall &c) { return c.id == callId; });
        showCalls(left);
        Q_EMIT acknowledged(callId);
        reload();
    });
}
