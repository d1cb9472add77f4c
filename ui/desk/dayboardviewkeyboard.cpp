// The day board's keyboard navigation: a focus frame moved between
// bookings with Tab and the arrow keys, Enter to open one, N for the next
// free start in its bay, and the focused booking told to screen readers.
#include "ui/desk/dayboardview.h"

#include <QAccessible>
#include <QKeyEvent>
#include <QScrollBar>

#include <algorithm>
#include <cstdlib>
#include <limits>


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
