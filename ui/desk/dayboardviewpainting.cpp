// The day board's painting: lanes, hours, bookings, the focus frame, the
// now line, the header and the bay names; and the words and colours of
// each status, which the page's legend shares.
#include "ui/desk/dayboardview.h"

#include "db/text/bookingwords.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"

#include <QPainter>
#include <QPainterPath>

namespace {

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
    lines << block.payment.text(block.currency);
    if (!block.customerName.isEmpty())
        lines << tr("Customer: %1").arg(block.customerName);
    return lines.join(u'\n');
}

QColor DayBoardView::paymentColor(PaymentBadge::State state)
{
    switch (state) {
    case PaymentBadge::State::Paid:
        return QColor(0x2e, 0x7d, 0x32);
    case PaymentBadge::State::PartlyPaid:
        return QColor(0xef, 0x8f, 0x00);
    case PaymentBadge::State::Unpaid:
        return QColor(0x75, 0x75, 0x75);
    case PaymentBadge::State::CardInProgress:
        return QColor(0x15, 0x65, 0xc0);
    case PaymentBadge::State::Attention:
        return QColor(0xc6, 0x28, 0x28);
    }
    return {};
}

QString DayBoardView::paymentGlyph(PaymentBadge::State state)
{
    // A sign as well as a colour, so colour is never the only cue.
    switch (state) {
    case PaymentBadge::State::Paid:
        return QStringLiteral("\u2713"); // check mark
    case PaymentBadge::State::PartlyPaid:
        return QStringLiteral("\u00bd"); // one half
    case PaymentBadge::State::Unpaid:
        return QStringLiteral("$");
    case PaymentBadge::State::CardInProgress:
        return QStringLiteral("\u2026"); // ellipsis: under way
    case PaymentBadge::State::Attention:
        return QStringLiteral("!");
    }
    return {};
}

void DayBoardView::paintPaymentBadge(QPainter &p, const QRect &block, PaymentBadge::State state) const
{
    // A small disc in the block's top right corner.
    const int size = std::min(fontMetrics().height(), std::max(8, block.height() / 2));
    if (block.width() < size * 3)
        return; // a sliver of a block: the tooltip says it
    const QRect badge(block.right() - size - 3, block.top() + 3, size, size);
    const QColor colour = paymentColor(state);
    p.save();
    p.setPen(QPen(Qt::white, 1.5));
    p.setBrush(colour);
    p.drawEllipse(badge);
    QFont small = font();
    small.setBold(true);
    small.setPixelSize(std::max(6, size * 2 / 3));
    p.setFont(small);
    p.setPen(Qt::white);
    p.drawText(badge, Qt::AlignCenter, paymentGlyph(state));
    p.restore();
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
            // A cancelled or no-show booking owes nothing, so no money
            // badge; but money that came anyway (paid by card after a
            // no-show) needs a person, so attention shows on any block.
            if (!faded || block.payment.state == PaymentBadge::State::Attention)
                paintPaymentBadge(p, r, block.payment.state);
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
