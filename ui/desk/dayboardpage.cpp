#include "ui/desk/dayboardpage.h"

#include "db/notify/bookingchangelistener.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "models/desk/dayboardmodel.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/desk/dayboardview.h"

#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace {

const QString BannerSource = QStringLiteral("dayboard");

QPixmap swatch(const QString &status, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    const QColor colour = DayBoardView::statusColor(status);
    const QRect r(0, 0, size - 1, size - 1);
    if (DayBoardView::isFaded(status)) {
        p.fillRect(r, colour.lighter(160));
        p.fillRect(r, QBrush(colour.darker(130), Qt::BDiagPattern));
    } else {
        p.fillRect(r, colour);
    }
    p.setPen(colour.darker(150));
    p.drawRect(r);
    return pixmap;
}

} // namespace

DayBoardPage::DayBoardPage(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_banner(banner)
{
    setObjectName(QStringLiteral("dayBoardPage"));
    m_model = new DayBoardModel(pool, this);
    m_view = new DayBoardView(this);
    m_view->setModel(m_model);

    m_previous = new QPushButton(tr("&Previous day"), this);
    m_previous->setObjectName(QStringLiteral("boardPrevious"));
    m_previous->setAccessibleName(tr("Previous day"));
    m_previous->setToolTip(tr("Show the day before (Alt+Left)"));
    m_dateEdit = new QDateEdit(this);
    m_dateEdit->setObjectName(QStringLiteral("boardDate"));
    m_dateEdit->setAccessibleName(tr("Day shown"));
    m_dateEdit->setToolTip(tr("The day the board shows; open the calendar to pick another"));
    m_dateEdit->setCalendarPopup(true);
    m_dateEdit->setLocale(DisplayLocale::get());
    m_dateEdit->setDisplayFormat(
        DisplayLocale::get().dateFormat(QLocale::ShortFormat).contains(QStringLiteral("yyyy"))
            ? DisplayLocale::get().dateFormat(QLocale::ShortFormat)
            : QStringLiteral("yyyy-MM-dd"));
    auto *dateLabel = new QLabel(tr("D&ay:"), this);
    dateLabel->setBuddy(m_dateEdit);
    m_next = new QPushButton(tr("Ne&xt day"), this);
    m_next->setObjectName(QStringLiteral("boardNext"));
    m_next->setAccessibleName(tr("Next day"));
    m_next->setToolTip(tr("Show the day after (Alt+Right)"));
    m_today = new QPushButton(tr("Toda&y"), this);
    m_today->setObjectName(QStringLiteral("boardToday"));
    m_today->setAccessibleName(tr("Today"));
    m_today->setToolTip(tr("Show today (Ctrl+T)"));
    m_refresh = new QPushButton(tr("&Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("boardRefresh"));
    m_refresh->setAccessibleName(tr("Refresh the day board"));
    m_refresh->setToolTip(tr("Load the board again (F5)"));

    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("boardTotals"));
    m_totals->setAccessibleName(tr("Totals for the day"));
    QFont totalsFont = m_totals->font();
    totalsFont.setBold(true);
    totalsFont.setPointSizeF(totalsFont.pointSizeF() * 1.15);
    m_totals->setFont(totalsFont);
    m_busy = new BusyIndicator(this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("boardStatus"));
    m_status->setForegroundRole(QPalette::PlaceholderText);

    connect(m_previous, &QPushButton::clicked, this, [this] { setDate(date().addDays(-1)); });
    connect(m_next, &QPushButton::clicked, this, [this] { setDate(date().addDays(1)); });
    connect(m_today, &QPushButton::clicked, this, &DayBoardPage::showToday);
    connect(m_refresh, &QPushButton::clicked, this, &DayBoardPage::reload);
    connect(m_dateEdit, &QDateEdit::dateChanged, this, [this](QDate day) { m_model->setDate(day); });
    auto shortcut = [this](const QKeySequence &keys, auto fn) {
        auto *key = new QShortcut(keys, this);
        connect(key, &QShortcut::activated, this, fn);
    };
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Left), [this] { setDate(date().addDays(-1)); });
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Right), [this] { setDate(date().addDays(1)); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_T), [this] { showToday(); });
    shortcut(QKeySequence::Refresh, [this] { reload(); });

    connect(m_model, &DayBoardModel::loadingChanged, this, [this](bool loading) {
        if (loading)
            m_busy->start(tr("Loading…"));
        else
            m_busy->stop();
    });
    connect(m_model, &DayBoardModel::refreshed, this, &DayBoardPage::loaded);
    connect(m_model, &DayBoardModel::dateChanged, this, [this](const QDate &day) {
        const QSignalBlocker quiet(m_dateEdit);
        m_dateEdit->setDate(day);
        updateStatus();
    });
    connect(m_view, &DayBoardView::bookingActivated, this, &DayBoardPage::bookingActivated);
    connect(m_view, &DayBoardView::freeTimeActivated, this, &DayBoardPage::freeTimeActivated);

    m_poll.setInterval(m_fallbackPollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        // A desk left open over midnight on today's board moves on to the
        // new today; one showing another day stays there.
        const QDate today = siteToday(); // invalid until the first load says the zone
        if (m_lastToday.isValid() && today.isValid() && today != m_lastToday && date() == m_lastToday) {
            m_lastToday = today;
            setDate(today);
            return;
        }
        if (today.isValid())
            m_lastToday = today;
        // One at a time: a slow load is not piled on.
        if (!m_model->isLoading())
            m_model->refresh();
    });

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_previous);
    toolbar->addWidget(dateLabel);
    toolbar->addWidget(m_dateEdit);
    toolbar->addWidget(m_next);
    toolbar->addWidget(m_today);
    toolbar->addSpacing(fontMetrics().averageCharWidth() * 3);
    toolbar->addWidget(m_totals);
    toolbar->addStretch(1);
    toolbar->addWidget(m_busy);
    toolbar->addWidget(m_refresh);

    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(buildLegend());
    statusRow->addStretch(1);
    statusRow->addWidget(m_status);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_view, 1);
    layout->addLayout(statusRow);

    setTabOrder(m_previous, m_dateEdit);
    setTabOrder(m_dateEdit, m_next);
    setTabOrder(m_next, m_today);
    setTabOrder(m_today, m_refresh);
    setTabOrder(m_refresh, m_view);

    m_totals->setText(tr("No day loaded yet"));
    updateStatus();
}

QWidget *DayBoardPage::buildLegend()
{
    auto *legend = new QWidget(this);
    legend->setObjectName(QStringLiteral("boardLegend"));
    legend->setAccessibleName(tr("Legend of booking statuses"));
    auto *lines = new QVBoxLayout(legend);
    lines->setContentsMargins(0, 0, 0, 0);
    lines->setSpacing(2);
    auto *row = new QHBoxLayout;
    lines->addLayout(row);
    const int size = fontMetrics().height() - 2;
    QStringList names;
    for (const QString &status : DayBoardView::statuses()) {
        auto *icon = new QLabel(legend);
        icon->setPixmap(swatch(status, size));
        auto *text = new QLabel(DayBoardView::statusText(status), legend);
        row->addWidget(icon);
        row->addWidget(text);
        row->addSpacing(fontMetrics().averageCharWidth());
        names << DayBoardView::statusText(status);
    }
    // The payment badges' signs (their colours are on the board).
    using State = PaymentBadge::State;
    auto *money = new QLabel(tr("Money: %1 paid · %2 partly · %3 unpaid · %4 card under way · %5 look at it")
                                 .arg(DayBoardView::paymentGlyph(State::Paid),
                                      DayBoardView::paymentGlyph(State::PartlyPaid),
                                      DayBoardView::paymentGlyph(State::Unpaid),
                                      DayBoardView::paymentGlyph(State::CardInProgress),
                                      DayBoardView::paymentGlyph(State::Attention)),
                             legend);
    money->setObjectName(QStringLiteral("boardLegendMoney"));
    auto *free = new QLabel(tr("Free time is tinted green; closed time is hatched grey."), legend);
    free->setObjectName(QStringLiteral("boardLegendFree"));
    // The second line is the longer: the statuses keep their swatches beside them.
    row->addStretch(1);
    // Under the statuses, after the money signs: on the statuses' line it
    // made the desk wider than a 1366 px screen at 125 %.
    auto *second = new QHBoxLayout;
    second->addWidget(money);
    second->addSpacing(fontMetrics().averageCharWidth() * 3);
    second->addWidget(free);
    second->addStretch(1);
    lines->addLayout(second);
    legend->setAccessibleDescription(names.join(QStringLiteral(", ")));
    return legend;
}

void DayBoardPage::attachListener(BookingChangeListener *listener)
{
    if (m_listener || !listener)
        return;
    m_listener = listener;
    connect(listener, &BookingChangeListener::bookingChanged, this,
            [this](qint64, const QString &, const QString &, const QDate &day) {
                // A change to another day leaves this board as it is.
                if (m_updating && !m_readOnly && (!day.isValid() || day == m_model->date()))
                    m_model->refresh();
            });
    connect(listener, &BookingChangeListener::resyncNeeded, this, [this] {
        if (m_updating && !m_readOnly)
            m_model->refresh();
    });
    connect(listener, &BookingChangeListener::listeningChanged, this, &DayBoardPage::updatePolling);
    updatePolling();
}

void DayBoardPage::setPollIntervals(int liveMs, int fallbackMs)
{
    m_livePollMs = std::max(10, liveMs);
    m_fallbackPollMs = std::max(10, fallbackMs);
    updatePolling();
}

void DayBoardPage::updatePolling()
{
    // Slow polling only while the listener hears every change and the last
    // load worked; a failed load is tried again soon.
    const bool live = m_listener && m_listener->isListening() && !m_model->lastError().isError();
    const int interval = live ? m_livePollMs : m_fallbackPollMs;
    if (m_poll.interval() != interval)
        m_poll.setInterval(interval); // restarts a running timer
    // Polling a database that is away only adds failures; the health
    // watcher says when it is back.
    if (m_updating && !m_readOnly) {
        if (!m_poll.isActive())
            m_poll.start();
    } else {
        m_poll.stop();
    }
    updateStatus();
}

void DayBoardPage::startUpdating()
{
    m_updating = true;
    if (!m_model->date().isValid())
        showToday();
    else
        reload();
    updatePolling();
}

void DayBoardPage::stopUpdating()
{
    m_updating = false;
    updatePolling();
}

QDate DayBoardPage::siteToday() const
{
    return m_siteZone.isValid() ? m_now().toTimeZone(m_siteZone).date() : QDate();
}

void DayBoardPage::setClock(std::function<QDateTime()> clock)
{
    m_now = clock;
    m_view->setClock(std::move(clock));
}

void DayBoardPage::setDate(const QDate &day)
{
    if (!day.isValid())
        return;
    m_model->setDate(day); // the date edit follows through dateChanged
}

QDate DayBoardPage::date() const
{
    return m_model->date();
}

void DayBoardPage::showToday()
{
    // Today is the site's, never this computer's: before the site's zone
    // is known, the model finds the day in the same statement that loads it.
    if (const QDate today = siteToday(); today.isValid())
        setDate(today);
    else
        m_model->setDayOf(m_now());
}

void DayBoardPage::reload()
{
    m_model->refresh();
}

void DayBoardPage::reloadIfFailed()
{
    if (!m_model->error().isEmpty())
        reload(); // the chosen day, or the site's today not found yet
}

void DayBoardPage::setReadOnly(bool readOnly)
{
    if (readOnly == m_readOnly)
        return;
    m_readOnly = readOnly;
    m_view->setReadOnly(readOnly);
    if (readOnly)
        m_banner.clear(BannerSource); // the database's own message says it all
    else if (m_updating)
        reload(); // back: whatever changed meanwhile shows
    updatePolling();
}

void DayBoardPage::loaded()
{
    const DbError error = m_model->lastError();
    if (error.isError()) {
        if (!m_readOnly)
            m_banner.showMessage(BannerSource,
                                 tr("The day board could not be loaded. %1").arg(error.message()),
                                 ErrorText::whatToDo(error), [this] { reload(); });
    } else {
        m_banner.clear(BannerSource);
        if (m_model->day().timeZone.isValid())
            m_siteZone = m_model->day().timeZone; // a manager may change it
        const DayBoardModel::Totals totals = m_model->totals();
        m_totals->setText(tr("Cars: %1 · Revenue: %2")
                              .arg(DisplayLocale::get().toString(totals.cars),
                                   Money::format(totals.revenueCents, totals.currency)));
        m_totals->setAccessibleDescription(m_totals->text());
    }
    updatePolling();
    Q_EMIT refreshed();
}

void DayBoardPage::updateStatus()
{
    const QLocale locale = DisplayLocale::get();
    QStringList parts;
    const QDateTime loadedAt = m_model->loadedAt();
    if (m_model->lastError().isError() && loadedAt.isValid())
        parts << tr("Not updated since %1").arg(locale.toString(loadedAt.time(), QStringLiteral("HH:mm:ss")));
    else if (loadedAt.isValid())
        parts << tr("Updated %1").arg(locale.toString(loadedAt.time(), QStringLiteral("HH:mm:ss")));
    if (m_readOnly)
        parts << tr("read-only while the database is unavailable");
    else if (m_listener && m_listener->isListening())
        parts << tr("live");
    else
        parts << tr("polling every %1 s").arg(locale.toString(m_fallbackPollMs / 1000.0, 'g', 3));
    m_status->setText(parts.join(QStringLiteral(" · ")));
    m_status->setAccessibleName(m_status->text());
}

QString DayBoardPage::totalsText() const
{
    return m_totals->text();
}

QString DayBoardPage::statusText() const
{
    return m_status->text();
}
