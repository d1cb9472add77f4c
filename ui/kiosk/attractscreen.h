#pragma once

#include "db/availability/slotplanner.h"
#include "db/catalogue/service.h"
#include "db/pool/dberror.h"
#include "ui/kiosk/kioskscreen.h"

#include <QList>
#include <QTimer>

#include <optional>

class ConnectionPool;
class QLabel;
class QPushButton;

// The kiosk waiting for a customer: a looping offer of the washes with
// their prices and today's next free time, and one big "Touch to start".
// reload() reads the catalogue and the next free time through the pool.
class AttractScreen : public KioskScreen
{
    Q_OBJECT
public:
    explicit AttractScreen(QWidget *parent = nullptr);

    QString title() const override;
    // Reads the washes and today's next free time for the first of them.
    void reload(ConnectionPool &pool);
    bool isLoading() const { return m_loading; }
    QList<Service> services() const { return m_services; }
    std::optional<PlannedSlot> nextFree() const { return m_nextFree; }
    // The wash on offer now (it changes every few seconds); empty without washes.
    QString offerText() const;
    QPushButton *startButton() const { return m_start; }

Q_SIGNALS:
    void loaded();
    void started();
    void databaseTrouble(const DbError &error);

protected:
    void retranslate() override;

private:
    void showOffer();

    QLabel *m_offer = nullptr;
    QLabel *m_next = nullptr;
    QPushButton *m_start = nullptr;
    QTimer m_rotate;
    QList<Service> m_services;
    std::optional<PlannedSlot> m_nextFree;
    int m_shown = 0;
    bool m_loading = false;
    quint64 m_generation = 0;
};
