#include "ui/desk/dayboardview.h"

#include "db/availability/slotplanner.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <cmath>

// The board's widget, its layout and hit-testing, and the mouse; painting
// is in dayboardviewpainting.cpp, keyboard navigation in
// dayboardviewkeyboard.cpp.

namespace {

constexpr qint64 MsPerMinute = 60000;

} // namespace

DayBoardView::DayBoardView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setObjectName(QStringLiteral("dayBoardView"));
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Day board"));
    setAccessibleDescription(tr("Bookings per bay over the day. Use Tab or the arrow keys to move between "
                                "bookings, Enter to open one, and N to book the next free time in its bay."));
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_clock.setInterval(30000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        if (showsToday())
            viewport()->update();
    });
    m_clock.start();
    relayout();
}

void DayBoardView::setModel(const DayBoardModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &QAbstractItemModel::modelReset, this, &DayBoardView::modelReset);
        connect(m_model, &QObject::destroyed, this, [this] {
            m_model = nullptr;
            modelReset();
        });
    }
    modelReset();
}

void DayBoardView::setReadOnly(bool readOnly)
{
    if (readOnly == m_readOnly)
        return;
    m_readOnly = readOnly;
    viewport()->setCursor(Qt::ArrowCursor);
    viewport()->update();
}

QSize DayBoardView::sizeHint() const
{
    const int lanes = m_model ? std::max(1, m_model->rowCount()) : 4;
    return {m_labelWidth + fontMetrics().averageCharWidth() * 100, m_headerHeight + lanes * m_laneHeight + 4};
}

// -- layout --------------------------------------------------------------

void DayBoardView::modelReset()
{
    relayout();
    // A new day opens where the action is: today at the current time (a
    // quarter of the way in), another day at its opening.
    if (m_model && m_model->day().date.isValid() && m_model->day().date != m_scrolledFor) {
        m_scrolledFor = m_model->day().date;
        const int viewWidth = viewport()->width() - m_labelWidth;
        horizontalScrollBar()->setValue(showsToday() ? xFor(nowInstant()) - m_labelWidth
                                                + horizontalScrollBar()->value() - viewWidth / 4
                                                     : 0);
    }
    // The focus stays on the same booking when it is still there.
    Focus found;
    if (m_model && m_focusedId != 0) {
        for (int lane = 0; lane < m_model->day().lanes.size() && !found.valid(); ++lane) {
            const auto &blocks = m_model->day().lanes.at(lane).blocks;
            for (int block = 0; block < blocks.size(); ++block) {
                if (blocks.at(block).id == m_focusedId) {
                    found = {lane, block};
                    break;
                }
            }
        }
    }
    m_focus = found;
    if (!found.valid())
        m_focusedId = 0;
    viewport()->update();
}

void DayBoardView::relayout()
{
    const QFontMetrics fm = fontMetrics();
    m_headerHeight = fm.height() * 2;
    m_laneHeight = fm.height() * 3 + fm.height() / 2 + 8;
    m_labelWidth = fm.horizontalAdvance(QStringLiteral("MMMMMMMMMMMM"));

    const DayBoardModel::Day *day = m_model ? &m_model->day() : nullptr;
    const QTimeZone zone = day && day->timeZone.isValid() ? day->timeZone : QTimeZone::systemTimeZone();
    const QDate date = day && day->date.isValid() ? day->date : nowInstant().toLocalTime().date();
    if (day) {
        for (const DayBoardModel::Lane &lane : day->lanes)
            m_labelWidth
                = std::max(m_labelWidth, fm.horizontalAdvance(lane.bay.name) + fm.averageCharWidth() * 3);
    }
    m_labelWidth = std::min(m_labelWidth, fm.averageCharWidth() * 30);

    // The axis: the opening hours widened to whole hours, and to any booking
    // outside them; 08:00-18:00 on a day without hours.
    QDateTime from;
    QDateTime to;
    auto include = [&](const QDateTime &start, const QDateTime &end) {
        if (!from.isValid() || start < from)
            from = start;
        if (!to.isValid() || end > to)
            to = end;
    };
    if (day) {
        for (const DayBoardModel::Interval &open : day->openPeriods)
            include(open.start, open.end);
        for (const DayBoardModel::Lane &lane : day->lanes) {
            for (const DayBoardModel::Block &block : lane.blocks)
                include(block.start, std::max(block.end, block.blockedUntil));
        }
    }
    if (!from.isValid()) {
        from = SlotPlanner::localInstantAtOrAfter(date, 8 * 3600, zone);
        to = SlotPlanner::localInstantAtOrAfter(date, 18 * 3600, zone);
    }
    const QDateTime localFrom = from.toTimeZone(zone);
    m_axisStart = localFrom.addMSecs(
        -qint64(localFrom.time().minute() * 60 + localFrom.time().second()) * 1000 - localFrom.time().msec());
    const QDateTime localTo = to.toTimeZone(zone);
    const qint64 past
        = qint64(localTo.time().minute() * 60 + localTo.time().second()) * 1000 + localTo.time().msec();
    m_axisEnd = past > 0 ? localTo.addMSecs(3600 * 1000 - past) : localTo;
    if (m_axisEnd <= m_axisStart)
        m_axisEnd = m_axisStart.addSecs(3600);

    const double minutes = double(m_axisStart.msecsTo(m_axisEnd)) / MsPerMinute;
    // An hour wide enough that a quarter-hour booking shows its whole plate
    // (up to seven characters in bold, plus padding); a long day scrolls
    // sideways instead, opening at the current time.
    QFont bold = font();
    bold.setBold(true);
    const double plateWidth = QFontMetrics(bold).horizontalAdvance(QStringLiteral("WWWWWWW")) + 10;
    const double minHour = std::max({fm.horizontalAdvance(QStringLiteral("00:00 AM")) * 1.6,
                                     double(fm.averageCharWidth() * 24), plateWidth * 4});
    const double available = std::max(1, viewport()->width() - m_labelWidth - 2);
    m_pxPerMinute = std::max(minHour / 60.0, available / minutes);

    const int contentWidth = int(std::ceil(minutes * m_pxPerMinute));
    const int lanes = day ? int(day->lanes.size()) : 0;
    const int contentHeight = lanes * m_laneHeight;
    horizontalScrollBar()->setRange(0, std::max(0, contentWidth - (viewport()->width() - m_labelWidth)));
    horizontalScrollBar()->setPageStep(std::max(1, viewport()->width() - m_labelWidth));
    horizontalScrollBar()->setSingleStep(std::max(1, int(m_pxPerMinute * 15)));
    verticalScrollBar()->setRange(0, std::max(0, contentHeight - (viewport()->height() - m_headerHeight)));
    verticalScrollBar()->setPageStep(std::max(1, viewport()->height() - m_headerHeight));
    verticalScrollBar()->setSingleStep(std::max(1, m_laneHeight / 2));
}

void DayBoardView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void DayBoardView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        relayout();
}

void DayBoardView::scrollContentsBy(int, int)
{
    viewport()->update();
}

int DayBoardView::xFor(const QDateTime &instant) const
{
    const double minutes = double(m_axisStart.msecsTo(instant)) / MsPerMinute;
    return m_labelWidth + int(std::lround(minutes * m_pxPerMinute)) - horizontalScrollBar()->value();
}

QDateTime DayBoardView::instantAt(int x) const
{
    const double minutes = double(x - m_labelWidth + horizontalScrollBar()->value()) / m_pxPerMinute;
    return m_axisStart.addMSecs(qint64(minutes * MsPerMinute));
}

int DayBoardView::laneTop(int lane) const
{
    return m_headerHeight + lane * m_laneHeight - verticalScrollBar()->value();
}

QRect DayBoardView::laneRect(int lane) const
{
    if (!m_model || lane < 0 || lane >= m_model->day().lanes.size())
        return {};
    return QRect(0, laneTop(lane), viewport()->width(), m_laneHeight);
}

QRect DayBoardView::blockRectAt(int lane, int block) const
{
    if (!m_model || lane < 0 || lane >= m_model->day().lanes.size())
        return {};
    const auto &blocks = m_model->day().lanes.at(lane).blocks;
    if (block < 0 || block >= blocks.size())
        return {};
    const DayBoardModel::Block &b = blocks.at(block);
    const int left = xFor(b.start);
    const int right = std::max(left + 4, xFor(b.end));
    return QRect(QPoint(left, laneTop(lane) + 3), QPoint(right - 1, laneTop(lane) + m_laneHeight - 4));
}

QRect DayBoardView::blockRect(qint64 id) const
{
    if (!m_model)
        return {};
    const QRect area(m_labelWidth, m_headerHeight, viewport()->width() - m_labelWidth,
                     viewport()->height() - m_headerHeight);
    for (int lane = 0; lane < m_model->day().lanes.size(); ++lane) {
        const auto &blocks = m_model->day().lanes.at(lane).blocks;
        for (int block = 0; block < blocks.size(); ++block) {
            if (blocks.at(block).id == id)
                return blockRectAt(lane, block).intersected(area);
        }
    }
    return {};
}

int DayBoardView::blockCount() const
{
    int count = 0;
    if (m_model) {
        for (const DayBoardModel::Lane &lane : m_model->day().lanes)
            count += int(lane.blocks.size());
    }
    return count;
}

int DayBoardView::laneAt(const QPoint &point) const
{
    if (!m_model || point.y() < m_headerHeight || point.x() < m_labelWidth)
        return -1;
    const int lane = (point.y() - m_headerHeight + verticalScrollBar()->value()) / m_laneHeight;
    return lane < m_model->day().lanes.size() ? lane : -1;
}

DayBoardView::Focus DayBoardView::blockAt(const QPoint &point) const
{
    const int lane = laneAt(point);
    if (lane < 0)
        return {};
    const auto &blocks = m_model->day().lanes.at(lane).blocks;
    // Later blocks are drawn on top (a cancelled booking under its
    // replacement), so they win.
    for (int block = int(blocks.size()) - 1; block >= 0; --block) {
        if (blockRectAt(lane, block).contains(point))
            return {lane, block};
    }
    return {};
}

QDateTime DayBoardView::nowInstant() const
{
    return m_now();
}

void DayBoardView::setClock(std::function<QDateTime()> clock)
{
    m_now = std::move(clock);
    viewport()->update();
}

bool DayBoardView::showsToday() const
{
    if (!m_model || !m_model->day().date.isValid() || !m_model->day().timeZone.isValid())
        return false;
    return nowInstant().toTimeZone(m_model->day().timeZone).date() == m_model->day().date;
}

std::optional<QDateTime> DayBoardView::freeStartAt(const QPoint &point, BayRef *bay) const
{
    const int lane = laneAt(point);
    if (lane < 0 || blockAt(point).valid())
        return std::nullopt;
    return freeStartIn(lane, instantAt(point.x()), bay);
}

std::optional<QDateTime> DayBoardView::nextFreeStart(int lane, const QDateTime &after, BayRef *bay) const
{
    if (!m_model || lane < 0 || lane >= m_model->day().lanes.size())
        return std::nullopt;
    const QDateTime from = std::max(after, nowInstant());
    for (const DayBoardModel::Interval &free : m_model->day().lanes.at(lane).free) {
        if (free.end <= from)
            continue;
        if (const auto start = freeStartIn(lane, std::max(free.start, from), bay))
            return start;
    }
    return std::nullopt;
}

std::optional<QDateTime> DayBoardView::freeStartIn(int lane, const QDateTime &at, BayRef *bay) const
{
    const DayBoardModel::Day &day = m_model->day();
    const DayBoardModel::Lane &row = day.lanes.at(lane);
    const auto free = std::find_if(row.free.cbegin(), row.free.cend(), [&](const DayBoardModel::Interval &i) {
        return i.start <= at && at < i.end;
    });
    if (free == row.free.cend())
        return std::nullopt;
    // The grid is the slot planner's (day.starts); the start is the grid
    // line at or before the pointer, moved on to the first one inside the
    // free time and not past.
    auto start = std::upper_bound(day.starts.cbegin(), day.starts.cend(), at);
    if (start != day.starts.cbegin())
        --start;
    const QDateTime now = nowInstant();
    for (; start != day.starts.cend(); ++start) {
        if (*start >= free->end)
            return std::nullopt;
        if (*start < free->start || *start < now)
            continue;
        if (bay)
            *bay = row.bay;
        return *start;
    }
    return std::nullopt;
}

// -- mouse ---------------------------------------------------------------

void DayBoardView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_readOnly) {
        QAbstractScrollArea::mouseReleaseEvent(event);
        return;
    }
    const QPoint point = event->position().toPoint();
    const Focus hit = blockAt(point);
    if (hit.valid()) {
        moveFocus(hit);
        activate(hit);
        return;
    }
    BayRef bay;
    if (const std::optional<QDateTime> start = freeStartAt(point, &bay))
        Q_EMIT freeTimeActivated(bay, *start);
}

void DayBoardView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint point = event->position().toPoint();
    const bool active = !m_readOnly && (blockAt(point).valid() || freeStartAt(point).has_value());
    viewport()->setCursor(active ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QAbstractScrollArea::mouseMoveEvent(event);
}

bool DayBoardView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_model) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPoint point = help->pos();
        QString text;
        const Focus hit = blockAt(point);
        const int lane = laneAt(point);
        if (hit.valid()) {
            text = blockSummary(*blockOf(hit), m_model->day().lanes.at(hit.lane).bay);
        } else if (lane >= 0) {
            const QDateTime at = instantAt(point.x());
            const DayBoardModel::Lane &row = m_model->day().lanes.at(lane);
            for (const DayBoardModel::Interval &free : row.free) {
                if (free.start <= at && at < free.end) {
                    const std::optional<QDateTime> start = freeStartAt(point);
                    text = start && !m_readOnly
                        ? tr("%1 free %2 – %3\nClick to book from %4")
                              .arg(row.bay.name, timeText(free.start), timeText(free.end), timeText(*start))
                        : tr("%1 free %2 – %3").arg(row.bay.name, timeText(free.start), timeText(free.end));
                }
            }
            if (text.isEmpty()) {
                const bool open
                    = std::any_of(m_model->day().openPeriods.cbegin(), m_model->day().openPeriods.cend(),
                                  [&](const auto &i) { return i.start <= at && at < i.end; });
                text = open ? tr("%1 is busy (cleaning or a booking)").arg(row.bay.name) : tr("Closed");
            }
        }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}
