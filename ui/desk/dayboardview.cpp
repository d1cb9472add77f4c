#include "ui/desk/dayboardview.h"

#include "db/availability/slotplanner.h"
#include "db/text/bookingwords.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"

#include <QAccessible>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QStyleOptionFocusRect>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace {

constexpr qint64 MsPerMinute = 60000;

// Okabe & Ito's palette, told apart with every common colour-vision
// deficiency; the status is written in the block as well.
const QList<QPair<QString, QColor>> &statusPalette()
{
    static const QList<QPair<QString, QColor>> colours {
        {QStringLiteral("held"), QColor(0xE6, 0x9F, 0x00)}, // orange
        {QStringLiteral("confirmed"), QColor(0x00, 0x72, 0xB2)}, // blue
        {QStringLiteral("checked_in"), QColor(0x56, 0xB4, 0xE9)}, // sky blue
        {QStringLiteral("in_progress"), QColor(0x00, 0x9E, 0x73)}, // bluish green
        {QStringLiteral("completed"), QColor(0x5A, 0x5A, 0x5A)}, // dark grey
        {QStringLiteral("cancelled"), QColor(0xD5, 0x5E, 0x00)}, // vermillion
        {QStringLiteral("no_show"), QColor(0xCC, 0x79, 0xA7)}, // reddish purple
        {QStringLiteral("expired"), QColor(0x99, 0x99, 0x99)}, // grey
    };
    return colours;
}

QColor textOn(const QColor &background)
{
    // Relative luminance, roughly: dark text on light fills.
    const double y = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return y > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

QColor blend(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

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

QStringList DayBoardView::statuses()
{
    QStringList names;
    for (const auto &entry : statusPalette())
        names << entry.first;
    return names;
}

QColor DayBoardView::statusColor(const QString &status)
{
    for (const auto &entry : statusPalette()) {
        if (entry.first == status)
            return entry.second;
    }
    return QColor(0x99, 0x99, 0x99);
}

QString DayBoardView::statusText(const QString &status)
{
    return BookingWords::status(status);
}

bool DayBoardView::isFaded(const QString &status)
{
    return status == u"cancelled" || status == u"no_show" || status == u"expired";
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
    const auto open
        = std::find_if(day.openPeriods.cbegin(), day.openPeriods.cend(),
                       [&](const DayBoardModel::Interval &i) { return i.start <= at && at < i.end; });
    if (open == day.openPeriods.cend())
        return std::nullopt;
    // The grid runs from the period's opening, in local wall-clock minutes
    // (as SlotPlanner has it); the start is the grid line at or before the
    // pointer, moved on to the first one inside the free time and not past.
    const int slot = std::max(1, day.slotMinutes);
    const QTime opens = open->start.toTimeZone(day.timeZone).time();
    const int opensMinute = opens.hour() * 60 + opens.minute();
    const QDateTime now = nowInstant();
    const QDateTime local = at.toTimeZone(day.timeZone);
    const int minute
        = (local.date() > day.date ? 24 * 60 : 0) + local.time().hour() * 60 + local.time().minute();
    for (int m = opensMinute + (std::max(0, minute - opensMinute) / slot) * slot; m < 48 * 60; m += slot) {
        const std::optional<QDateTime> start = SlotPlanner::localInstant(day.date, m * 60, day.timeZone);
        if (!start)
            continue; // a wall-clock time the clocks skip
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

// -- painting ------------------------------------------------------------

QString DayBoardView::timeText(const QDateTime &instant) const
{
    const QDateTime local = m_model && m_model->day().timeZone.isValid()
        ? instant.toTimeZone(m_model->day().timeZone)
        : instant;
    return DisplayLocale::get().toString(local.time(), QLocale::ShortFormat);
}

QString DayBoardView::blockSummary(const DayBoardModel::Block &block, const BayRef &bay) const
{
    QStringList lines;
    lines << tr("%1 — %2").arg(block.plate, block.service);
    lines << tr("%1, %2 – %3, %4")
                 .arg(bay.name, timeText(block.start), timeText(block.end), statusText(block.status));
    if (block.blockedUntil > block.end && !isFaded(block.status))
        lines << tr("Bay blocked for cleaning until %1").arg(timeText(block.blockedUntil));
    if (block.status == u"held" && block.holdExpiresAt.isValid())
        lines << tr("Held for payment until %1").arg(timeText(block.holdExpiresAt));
    lines << tr("Code %1 · %2").arg(block.code, Money::format(block.priceCents, block.currency));
    if (!block.customerName.isEmpty())
        lines << tr("Customer: %1").arg(block.customerName);
    return lines.join(u'\n');
}

void DayBoardView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QPalette pal = palette();
    const QFontMetrics fm = fontMetrics();
    const QRect all = viewport()->rect();
    p.fillRect(all, pal.base());
    if (!m_model)
        return;
    const DayBoardModel::Day &day = m_model->day();
    const QTimeZone zone = day.timeZone.isValid() ? day.timeZone : QTimeZone::systemTimeZone();
    const QColor closedColour = blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.10);
    const QColor freeColour = blend(pal.color(QPalette::Base), QColor(0x00, 0x9E, 0x73), 0.08);
    const QColor gridColour = blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.18);
    const QRect area(m_labelWidth, m_headerHeight, all.width() - m_labelWidth, all.height() - m_headerHeight);

    // Lanes: closed time hatched grey, opening hours plain, free time tinted.
    p.save();
    p.setClipRect(area);
    for (int lane = 0; lane < day.lanes.size(); ++lane) {
        const int top = laneTop(lane);
        if (top > all.bottom() || top + m_laneHeight < m_headerHeight)
            continue;
        const QRect row(m_labelWidth, top, all.width(), m_laneHeight);
        p.fillRect(row, closedColour);
        p.fillRect(row, QBrush(gridColour, Qt::BDiagPattern));
        for (const DayBoardModel::Interval &open : day.openPeriods)
            p.fillRect(
                QRect(QPoint(xFor(open.start), top), QPoint(xFor(open.end) - 1, top + m_laneHeight - 1)),
                pal.base());
        for (const DayBoardModel::Interval &free : day.lanes.at(lane).free)
            p.fillRect(
                QRect(QPoint(xFor(free.start), top + 1), QPoint(xFor(free.end) - 1, top + m_laneHeight - 2)),
                freeColour);
        p.setPen(gridColour);
        p.drawLine(m_labelWidth, top + m_laneHeight - 1, all.width(), top + m_laneHeight - 1);
    }

    // Hour lines.
    for (QDateTime hour = m_axisStart; hour <= m_axisEnd; hour = hour.addSecs(3600)) {
        const int x = xFor(hour);
        p.setPen(gridColour);
        p.drawLine(x, m_headerHeight, x, all.height());
    }

    // Bookings: the service time solid, the cleanup buffer after it lighter;
    // finished-without-washing statuses faded and hatched.
    p.setRenderHint(QPainter::Antialiasing, true);
    for (int lane = 0; lane < day.lanes.size(); ++lane) {
        const auto &blocks = day.lanes.at(lane).blocks;
        for (int i = 0; i < blocks.size(); ++i) {
            const DayBoardModel::Block &block = blocks.at(i);
            const QRect r = blockRectAt(lane, i);
            if (!r.intersects(area))
                continue;
            const QColor colour = statusColor(block.status);
            const bool faded = isFaded(block.status);
            if (!faded && block.blockedUntil > block.end) {
                const QRect buffer(QPoint(r.right() + 1, r.top() + r.height() / 4),
                                   QPoint(xFor(block.blockedUntil) - 1, r.bottom() - r.height() / 4));
                p.fillRect(buffer, blend(pal.color(QPalette::Base), colour, 0.35));
            }
            QPainterPath path;
            path.addRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
            const QColor fill = faded ? blend(pal.color(QPalette::Base), colour, 0.35) : colour;
            p.fillPath(path, fill);
            if (faded)
                p.fillPath(path, QBrush(colour.darker(130), Qt::BDiagPattern));
            p.setPen(QPen(colour.darker(150), 1));
            p.drawPath(path);

            const QColor ink = faded ? pal.color(QPalette::Text) : textOn(colour);
            const QRect text = r.adjusted(5, 3, -4, -3);
            p.save();
            p.setClipRect(text.intersected(area));
            p.setPen(ink);
            QFont bold = font();
            bold.setBold(true);
            bold.setStrikeOut(faded);
            p.setFont(bold);
            const int line = fm.height();
            p.drawText(QRect(text.left(), text.top(), text.width(), line), Qt::AlignLeft | Qt::AlignVCenter,
                       QFontMetrics(bold).elidedText(block.plate, Qt::ElideRight, text.width()));
            p.setFont(font());
            p.drawText(QRect(text.left(), text.top() + line, text.width(), line),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(block.service, Qt::ElideRight, text.width()));
            p.drawText(QRect(text.left(), text.top() + 2 * line, text.width(), line),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(tr("%1 · %2").arg(block.code, statusText(block.status)), Qt::ElideRight,
                                     text.width()));
            p.restore();
        }
    }
    p.setRenderHint(QPainter::Antialiasing, false);

    // The keyboard focus.
    if (hasFocus() && m_focus.valid()) {
        const QRect r = blockRectAt(m_focus.lane, m_focus.block).adjusted(-3, -3, 3, 3);
        p.setPen(QPen(pal.color(QPalette::Highlight), 3, Qt::SolidLine));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r);
        p.setPen(QPen(pal.color(QPalette::Base), 1, Qt::DotLine));
        p.drawRect(r.adjusted(2, 2, -2, -2));
    }

    // Now, on today.
    const bool today = showsToday();
    if (today) {
        const int x = xFor(nowInstant());
        p.setPen(QPen(QColor(0xD0, 0x00, 0x00), 2));
        p.drawLine(x, m_headerHeight, x, all.height());
    }

    if (day.closure) {
        const QString notice = day.closure->reason.isEmpty()
            ? tr("Closed all day")
            : tr("Closed all day: %1").arg(day.closure->reason);
        QFont big = font();
        big.setBold(true);
        big.setPointSizeF(big.pointSizeF() * 1.3);
        p.setFont(big);
        const QFontMetrics bfm(big);
        QRect box = bfm.boundingRect(notice).adjusted(-16, -10, 16, 10);
        box.moveCenter(area.center());
        p.fillRect(box, pal.window());
        p.setPen(pal.color(QPalette::WindowText));
        p.drawRect(box.adjusted(0, 0, -1, -1));
        p.drawText(box, Qt::AlignCenter, notice);
        p.setFont(font());
    } else if (day.date.isValid() && day.lanes.isEmpty() && !m_model->isLoading()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No bays are set up. A manager can add bays and the services they offer."));
    }
    p.restore();

    // The header: hours in the display locale, in the site's time zone.
    p.fillRect(QRect(0, 0, all.width(), m_headerHeight), pal.window());
    p.save();
    p.setClipRect(QRect(m_labelWidth, 0, all.width() - m_labelWidth, m_headerHeight));
    p.setPen(pal.color(QPalette::WindowText));
    for (QDateTime hour = m_axisStart; hour < m_axisEnd; hour = hour.addSecs(3600)) {
        const int x = xFor(hour);
        const QString label
            = DisplayLocale::get().toString(hour.toTimeZone(zone).time(), QLocale::ShortFormat);
        p.drawLine(x, m_headerHeight - fm.height() / 2, x, m_headerHeight);
        p.drawText(QRect(x + 3, 0, int(m_pxPerMinute * 60) - 4, m_headerHeight - 2),
                   Qt::AlignLeft | Qt::AlignBottom, label);
    }
    if (today) {
        const int x = xFor(nowInstant());
        p.setPen(QPen(QColor(0xD0, 0x00, 0x00), 2));
        p.drawLine(x, 0, x, m_headerHeight);
    }
    p.restore();

    // Bay names, fixed at the left.
    p.fillRect(QRect(0, m_headerHeight, m_labelWidth, all.height()), pal.window());
    p.save();
    p.setClipRect(QRect(0, m_headerHeight, m_labelWidth, all.height()));
    p.setPen(pal.color(QPalette::WindowText));
    for (int lane = 0; lane < day.lanes.size(); ++lane) {
        const QRect label(6, laneTop(lane), m_labelWidth - 10, m_laneHeight);
        p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, day.lanes.at(lane).bay.name);
        p.setPen(gridColour);
        p.drawLine(0, label.bottom(), m_labelWidth, label.bottom());
        p.setPen(pal.color(QPalette::WindowText));
    }
    p.restore();
    p.setPen(gridColour);
    p.drawLine(m_labelWidth - 1, 0, m_labelWidth - 1, all.height());
    p.drawLine(0, m_headerHeight - 1, all.width(), m_headerHeight - 1);

    // Read-only: said in the corner, where the day's hours begin.
    if (m_readOnly) {
        const QString text = tr("Read-only");
        QRect box(0, 0, m_labelWidth, m_headerHeight);
        p.fillRect(box, QColor(0xE6, 0x9F, 0x00));
        p.setPen(Qt::black);
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(box, Qt::AlignCenter,
                   QFontMetrics(bold).elidedText(text, Qt::ElideRight, box.width() - 4));
    }
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

// -- keyboard ------------------------------------------------------------

const DayBoardModel::Block *DayBoardView::blockOf(const Focus &focus) const
{
    if (!m_model || !focus.valid() || focus.lane >= m_model->day().lanes.size())
        return nullptr;
    const auto &blocks = m_model->day().lanes.at(focus.lane).blocks;
    return focus.block < blocks.size() ? &blocks.at(focus.block) : nullptr;
}

qint64 DayBoardView::focusedBookingId() const
{
    const DayBoardModel::Block *block = blockOf(m_focus);
    return block ? block->id : 0;
}

bool DayBoardView::setFocusedBooking(qint64 id)
{
    if (!m_model)
        return false;
    for (int lane = 0; lane < m_model->day().lanes.size(); ++lane) {
        const auto &blocks = m_model->day().lanes.at(lane).blocks;
        for (int block = 0; block < blocks.size(); ++block) {
            if (blocks.at(block).id == id) {
                moveFocus({lane, block});
                return true;
            }
        }
    }
    return false;
}

void DayBoardView::moveFocus(Focus focus)
{
    m_focus = focus;
    const DayBoardModel::Block *block = blockOf(focus);
    m_focusedId = block ? block->id : 0;
    ensureFocusVisible();
    announceFocus();
    viewport()->update();
}

void DayBoardView::announceFocus()
{
    const DayBoardModel::Block *block = blockOf(m_focus);
    if (!block)
        return;
    // Screen readers read the focused booking as the board's description.
    setAccessibleDescription(blockSummary(*block, m_model->day().lanes.at(m_focus.lane).bay));
    QAccessibleEvent changed(this, QAccessible::DescriptionChanged);
    QAccessible::updateAccessibility(&changed);
}

void DayBoardView::ensureFocusVisible()
{
    if (!m_focus.valid())
        return;
    const QRect r = blockRectAt(m_focus.lane, m_focus.block);
    const QRect area(m_labelWidth, m_headerHeight, viewport()->width() - m_labelWidth,
                     viewport()->height() - m_headerHeight);
    QScrollBar *h = horizontalScrollBar();
    QScrollBar *v = verticalScrollBar();
    if (r.left() < area.left())
        h->setValue(h->value() - (area.left() - r.left()) - 8);
    else if (r.right() > area.right())
        h->setValue(h->value() + std::min(r.right() - area.right(), r.left() - area.left()) + 8);
    if (r.top() < area.top())
        v->setValue(v->value() - (area.top() - r.top()) - 4);
    else if (r.bottom() > area.bottom())
        v->setValue(v->value() + (r.bottom() - area.bottom()) + 4);
}

bool DayBoardView::stepFocus(bool forward)
{
    if (!m_model)
        return false;
    QList<Focus> order;
    for (int lane = 0; lane < m_model->day().lanes.size(); ++lane) {
        for (int block = 0; block < m_model->day().lanes.at(lane).blocks.size(); ++block)
            order.append({lane, block});
    }
    if (order.isEmpty())
        return false;
    int at = -1;
    for (int i = 0; i < order.size(); ++i) {
        if (order[i].lane == m_focus.lane && order[i].block == m_focus.block)
            at = i;
    }
    const int next = at < 0 ? (forward ? 0 : int(order.size()) - 1) : at + (forward ? 1 : -1);
    if (next < 0 || next >= order.size())
        return false;
    moveFocus(order[next]);
    return true;
}

void DayBoardView::moveFocusVertically(int direction)
{
    if (!m_model)
        return;
    const DayBoardModel::Block *current = blockOf(m_focus);
    const int lanes = int(m_model->day().lanes.size());
    for (int lane = (m_focus.valid() ? m_focus.lane : -direction) + direction; lane >= 0 && lane < lanes;
         lane += direction) {
        const auto &blocks = m_model->day().lanes.at(lane).blocks;
        if (blocks.isEmpty())
            continue;
        // The booking nearest in time to the one focused now.
        int best = 0;
        if (current) {
            qint64 bestDistance = std::numeric_limits<qint64>::max();
            for (int i = 0; i < blocks.size(); ++i) {
                const qint64 distance = std::abs(blocks.at(i).start.msecsTo(current->start));
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = i;
                }
            }
        }
        moveFocus({lane, best});
        return;
    }
}

void DayBoardView::activate(const Focus &focus)
{
    const DayBoardModel::Block *block = blockOf(focus);
    if (!block || m_readOnly)
        return;
    Q_EMIT bookingActivated(block->id);
}

void DayBoardView::keyPressEvent(QKeyEvent *event)
{
    if (event->modifiers() & (Qt::AltModifier | Qt::ControlModifier | Qt::MetaModifier)) {
        QAbstractScrollArea::keyPressEvent(event); // the page's shortcuts
        return;
    }
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right: {
        const bool forward = event->key() == Qt::Key_Right;
        if (!m_focus.valid()) {
            stepFocus(forward);
        } else {
            const int next = m_focus.block + (forward ? 1 : -1);
            if (next >= 0 && next < m_model->day().lanes.at(m_focus.lane).blocks.size())
                moveFocus({m_focus.lane, next});
        }
        return;
    }
    case Qt::Key_Up:
        moveFocusVertically(-1);
        return;
    case Qt::Key_Down:
        moveFocusVertically(1);
        return;
    case Qt::Key_Home:
    case Qt::Key_End:
        if (m_focus.valid() && !m_model->day().lanes.at(m_focus.lane).blocks.isEmpty())
            moveFocus({m_focus.lane,
                       event->key() == Qt::Key_Home
                           ? 0
                           : int(m_model->day().lanes.at(m_focus.lane).blocks.size()) - 1});
        return;
    case Qt::Key_Insert:
    case Qt::Key_N: {
        // A new booking at the next free start in the focused bay (after
        // the focused booking), as a click on free time would.
        if (m_readOnly || !m_model || m_model->day().lanes.isEmpty())
            return;
        const DayBoardModel::Block *block = blockOf(m_focus);
        const int lane = m_focus.valid() ? m_focus.lane : 0;
        BayRef bay;
        if (const auto start = nextFreeStart(lane, block ? block->blockedUntil : QDateTime(), &bay))
            Q_EMIT freeTimeActivated(bay, *start);
        return;
    }
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        if (m_focus.valid()) {
            activate(m_focus);
            return;
        }
        break;
    default:
        break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

bool DayBoardView::focusNextPrevChild(bool next)
{
    // Tab walks the bookings first, then leaves the board.
    if (hasFocus() && stepFocus(next))
        return true;
    return QAbstractScrollArea::focusNextPrevChild(next);
}

void DayBoardView::focusInEvent(QFocusEvent *event)
{
    QAbstractScrollArea::focusInEvent(event);
    if (!m_focus.valid()) {
        if (event->reason() == Qt::BacktabFocusReason)
            stepFocus(false);
        else
            stepFocus(true);
    } else {
        announceFocus();
    }
    viewport()->update();
}

void DayBoardView::focusOutEvent(QFocusEvent *event)
{
    QAbstractScrollArea::focusOutEvent(event);
    viewport()->update();
}
