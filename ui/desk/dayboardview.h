#pragma once

#include "db/catalogue/bayref.h"
#include "models/desk/dayboardmodel.h"

#include <QAbstractScrollArea>
#include <QPainter>
#include <QColor>
#include <QDateTime>
#include <QTimer>

#include <functional>
#include <optional>

// The day board drawn: a time axis over the day's opening hours (site time
// zone, hours in the display locale), one lane per bay with its name at the
// left, bookings as blocks coloured by status and labelled with plate,
// service, code and status (so colour is never the only cue), a payment
// badge (paid, partly, unpaid, card under way, needs attention; a sign as
// well as a colour, and in words in the tooltip and accessible text), free time
// apart from closed time, and a red line at the current time on today.
// Reads a DayBoardModel, never the database.
//
// Mouse: a block → bookingActivated; free time still to come →
// freeTimeActivated at the slot-grid start under the pointer. Keyboard:
// Tab / Shift+Tab and the arrow keys move a focus frame between blocks
// (left/right in time, up/down between lanes), Enter or Space activates,
// N (or Insert) offers the next free start in the focused bay.
// Read-only (database away): nothing activates, and it says so.
class DayBoardView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit DayBoardView(QWidget *parent = nullptr);

    // Where "now" comes from (the now line, the next free start); the
    // system clock unless a test sets another.
    void setClock(std::function<QDateTime()> clock);

    // model must outlive the view (or be reset first).
    void setModel(const DayBoardModel *model);

    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

    // The booking with the keyboard focus frame, 0 when none.
    qint64 focusedBookingId() const;
    bool setFocusedBooking(qint64 id);
    int blockCount() const;
    // Where things are, in viewport coordinates (empty when not shown or
    // scrolled away); for tests and the screenshot tool.
    QRect blockRect(qint64 id) const;
    QRect laneRect(int lane) const;
    // x in viewport coordinates of an instant on the axis.
    int xFor(const QDateTime &instant) const;
    // What activating at a viewport point would start: the slot-grid start
    // in free time that has not passed yet; nullopt elsewhere.
    std::optional<QDateTime> freeStartAt(const QPoint &viewportPoint, BayRef *bay = nullptr) const;
    // The first such start in a lane at or after an instant (and now).
    std::optional<QDateTime> nextFreeStart(int lane, const QDateTime &after, BayRef *bay = nullptr) const;

    // What each status looks like and is called; the legend uses these too.
    static QStringList statuses();
    static QColor statusColor(const QString &status);
    static QString statusText(const QString &status);
    // Cancelled, no-show, expired: drawn faded and hatched.
    static bool isFaded(const QString &status);
    // The payment badge in a block's corner: its colour and its sign.
    static QColor paymentColor(PaymentBadge::State state);
    static QString paymentGlyph(PaymentBadge::State state);

    QSize sizeHint() const override;

Q_SIGNALS:
    void bookingActivated(qint64 id);
    void freeTimeActivated(const BayRef &bay, const QDateTime &start);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    bool focusNextPrevChild(bool next) override;
    bool viewportEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Focus
    {
        int lane = -1;
        int block = -1;
        bool valid() const { return lane >= 0 && block >= 0; }
    };

    void modelReset();
    void relayout();
    bool showsToday() const;
    QDateTime nowInstant() const;
    int laneTop(int lane) const; // viewport y
    QRect blockRectAt(int lane, int block) const;
    Focus blockAt(const QPoint &point) const;
    int laneAt(const QPoint &point) const;
    QDateTime instantAt(int x) const;
    std::optional<QDateTime> freeStartIn(int lane, const QDateTime &at, BayRef *bay) const;
    void moveFocus(Focus focus);
    bool stepFocus(bool forward);
    void moveFocusVertically(int direction);
    void ensureFocusVisible();
    void activate(const Focus &focus);
    void announceFocus();
    void paintPaymentBadge(QPainter &p, const QRect &block, PaymentBadge::State state) const;
    QString blockSummary(const DayBoardModel::Block &block, const BayRef &bay) const;
    QString timeText(const QDateTime &instant) const;
    const DayBoardModel::Block *blockOf(const Focus &focus) const;

    const DayBoardModel *m_model = nullptr;
    QDateTime m_axisStart; // instants
    QDateTime m_axisEnd;
    double m_pxPerMinute = 2.0;
    int m_labelWidth = 0;
    int m_headerHeight = 0;
    int m_laneHeight = 0;
    Focus m_focus;
    qint64 m_focusedId = 0; // kept across reloads
    bool m_readOnly = false;
    QDate m_scrolledFor; // the day the view last scrolled to its start or now
    QTimer m_clock; // moves the now line
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
};
