#pragma once

#include "ui/kiosk/kioskscreen.h"

class OnScreenKeyboard;
class OrientationLayout;
class QLabel;
class QLineEdit;
class QPushButton;
struct KioskOrder;

// The licence plate, typed on our own keyboard, and optionally a phone
// number or e-mail address for the receipt. Checked with the desk's rules
// (BookingRequest: plates normalised, phone and e-mail validated) before
// Continue lets the customer on; what is wrong is said next to the field.
class PlateScreen : public KioskScreen
{
    Q_OBJECT
public:
    PlateScreen(KioskOrder &order, QWidget *parent = nullptr);

    QString title() const override;
    QString describe() const override;
    // Shows the order's plate and contact (after Back or a language change).
    void showOrder();
    // Keeps what is typed in the order as typed (leaving by Back).
    void keepTyped();
    // Empties both fields and their messages.
    void clear();

    OnScreenKeyboard *keyboard() const { return m_keyboard; }
    QLineEdit *plateField() const { return m_plate; }
    QLineEdit *contactField() const { return m_contact; }
    QPushButton *contactButton() const { return m_contactButton; }
    QPushButton *continueButton() const { return m_continue; }
    QString errorText() const;
    // Fields and keyboard beside each other (a wide screen), else stacked.
    bool sideBySide() const;

Q_SIGNALS:
    void entered();

protected:
    void retranslate() override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setTarget(QLineEdit *field);
    void type(const QString &text);
    void submit();

    KioskOrder &m_order;
    QLineEdit *m_plate = nullptr;
    QLineEdit *m_contact = nullptr;
    QLineEdit *m_target = nullptr;
    QLabel *m_plateLabel = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_contactButton = nullptr;
    QPushButton *m_continue = nullptr;
    OnScreenKeyboard *m_keyboard = nullptr;
    OrientationLayout *m_arrangement = nullptr;
};
