#pragma once

#include "db/availability/slotplanner.h"
#include "db/pool/dberror.h"
#include "ui/kiosk/kioskscreen.h"

#include <QList>

class ConnectionPool;
class QLabel;
class QPushButton;
class QVBoxLayout;
struct KioskOrder;

// When: the next free time first and large ("Now, Tunnel Lane 2, ready in
// 4 min"), then a few more free times that day, each on a bay offering the
// chosen wash (the booking engine's availability). Touching one chooses it.
class TimeScreen : public KioskScreen
{
    Q_OBJECT
public:
    static constexpr int Alternatives = 4;

    TimeScreen(KioskOrder &order, QWidget *parent = nullptr);

    QString title() const override;
    QString describe() const override;
    // Asks the pool for the order's free times.
    void reload(ConnectionPool &pool);
    bool isLoading() const { return m_loading; }
    QList<PlannedSlot> offered() const { return m_slots; }
    // The button of offered()[index]; nullptr when there is none.
    QPushButton *slotButton(int index) const;

Q_SIGNALS:
    void loaded();
    void chosen();
    void databaseTrouble(const DbError &error);

protected:
    void retranslate() override;

private:
    void build();

    KioskOrder &m_order;
    QLabel *m_status = nullptr;
    QVBoxLayout *m_list = nullptr;
    QList<QPushButton *> m_buttons;
    QList<PlannedSlot> m_slots;
    bool m_loading = false;
    quint64 m_generation = 0;
};
