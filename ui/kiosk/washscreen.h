#pragma once

#include "db/catalogue/service.h"
#include "ui/kiosk/kioskscreen.h"

#include <QList>

class QGridLayout;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QScrollArea;
struct KioskOrder;

// The washes as big cards priced for the chosen vehicle size (Car / SUV /
// Truck), the chosen wash's add-ons, and Continue. Writes the choice into
// the order; everything shown comes from the catalogue the attract screen
// loaded.
class WashScreen : public KioskScreen
{
    Q_OBJECT
public:
    WashScreen(KioskOrder &order, QWidget *parent = nullptr);

    QString title() const override;
    QString describe() const override;
    // The catalogue to offer; the order's choices are kept where they still exist.
    void setServices(const QList<Service> &services);
    // Shows the order as it is (after Back, a language change or a reset).
    void showOrder();

    QPushButton *washButton(qint64 serviceId) const;
    QPushButton *vehicleButton(const QString &vehicleClass) const;
    QPushButton *addonButton(qint64 addonId) const;
    QPushButton *continueButton() const { return m_continue; }
    // Where the washes and add-ons scroll when they do not fit.
    QScrollArea *choicesArea() const { return m_scroll; }

Q_SIGNALS:
    void chosen();

protected:
    void retranslate() override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildCards();
    void buildAddons();
    void washClicked(qint64 serviceId);

    KioskOrder &m_order;
    QList<Service> m_services;
    QList<QPushButton *> m_vehicles;
    QScrollArea *m_scroll = nullptr;
    QGridLayout *m_cards = nullptr;
    QList<QPushButton *> m_washButtons;
    QLabel *m_addonsTitle = nullptr;
    QGridLayout *m_addons = nullptr;
    QList<QPushButton *> m_addonButtons;
    QPushButton *m_continue = nullptr;
};
