// Stripe's request encoding, byte for byte as its Node library writes it,
// and the parameters of every operation the server sends, with the limits
// refused before anything leaves the server.
#include "payments/stripeform.h"
#include "payments/stripeparams.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

class TestStripeFormEncoding : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void componentsArePercentEncodedLikeStripesLibraries_data();
    void componentsArePercentEncodedLikeStripesLibraries();
    void nestedObjectsAndArraysBecomeBracketedKeys();
    void scalarsAreWrittenInFull();
    void emptyArraysAndObjectsAreLeftOut();

    void checkoutSessionCarriesItsLineItemsAndMetadata();
    void checkoutSessionExpiryOutsideStripesLimitsIsRefused_data();
    void checkoutSessionExpiryOutsideStripesLimitsIsRefused();
    void checkoutSessionWithoutItemsOrUrlsIsRefused();
    void paymentIntentIsCardPresentAndCapturedAutomatically();
    void readerCartIsTheDisplaysCart();
    void refundIsFullWithoutAnAmount();
    void refundReasonMustBeOneStripeKnows();
    void metadataOutsideStripesLimitsIsRefused();
};

void TestStripeFormEncoding::componentsArePercentEncodedLikeStripesLibraries_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("encoded");
    QTest::newRow("unreserved kept") << QStringLiteral("AZaz09-._~") << QByteArray("AZaz09-._~");
    QTest::newRow("space as %20, not +") << QStringLiteral("Full wash") << QByteArray("Full%20wash");
    QTest::newRow("reserved") << QStringLiteral("a&b=c+d/e?f#g") << QByteArray("a%26b%3Dc%2Bd%2Fe%3Ff%23g");
    // encodeURIComponent keeps these; qs and Stripe's libraries do not.
    QTest::newRow("!'()*") << QStringLiteral("!'()*") << QByteArray("%21%27%28%29%2A");
    QTest::newRow("brackets left readable") << QStringLiteral("[x]") << QByteArray("[x]");
    QTest::newRow("UTF-8, upper-case hex")
        << QStringLiteral("Wäsche €") << QByteArray("W%C3%A4sche%20%E2%82%AC");
    QTest::newRow("url") << QStringLiteral("https://wash.example/pay?ok=1")
                         << QByteArray("https%3A%2F%2Fwash.example%2Fpay%3Fok%3D1");
    QTest::newRow("percent") << QStringLiteral("100%") << QByteArray("100%25");
}

void TestStripeFormEncoding::componentsArePercentEncodedLikeStripesLibraries()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, encoded);
    QCOMPARE(StripeForm::encodeComponent(text), encoded);
}

void TestStripeFormEncoding::nestedObjectsAndArraysBecomeBracketedKeys()
{
    const QJsonObject params {
        {QStringLiteral("line_items"),
         QJsonArray {QJsonObject {
             {QStringLiteral("price_data"),
              QJsonObject {{QStringLiteral("unit_amount"), 1200},
                           {QStringLiteral("product_data"),
                            QJsonObject {{QStringLiteral("name"), QStringLiteral("Full wash")}}}}},
             {QStringLiteral("quantity"), 2}}}},
        {QStringLiteral("payment_method_types"),
         QJsonArray {QStringLiteral("card_present"), QStringLiteral("card")}},
        {QStringLiteral("metadata"), QJsonObject {{QStringLiteral("payment_id"), QStringLiteral("42")}}},
    };
    QCOMPARE(StripeForm::encode(params),
             QByteArray("line_items[0][price_data][product_data][name]=Full%20wash"
                        "&line_items[0][price_data][unit_amount]=1200"
                        "&line_items[0][quantity]=2"
                        "&metadata[payment_id]=42"
                        "&payment_method_types[0]=card_present&payment_method_types[1]=card"));
    // And it decodes back to the same fields with a standard form parser.
    QUrlQuery decoded(QString::fromLatin1(StripeForm::encode(params)));
    QCOMPARE(decoded.queryItemValue(QStringLiteral("line_items[0][price_data][product_data][name]"),
                                    QUrl::FullyDecoded),
             QStringLiteral("Full wash"));
    QCOMPARE(StripeForm::fields(params).size(), 6);
}

void TestStripeFormEncoding::scalarsAreWrittenInFull()
{
    const QJsonObject params {
        {QStringLiteral("amount"), qint64(900719925474099)},
        {QStringLiteral("expires_at"), qint64(1767225600)},
        {QStringLiteral("on"), true},
        {QStringLiteral("off"), false},
        {QStringLiteral("unset"), QJsonValue::Null},
        {QStringLiteral("text"), QStringLiteral("a b")},
    };
    QCOMPARE(StripeForm::encode(params),
             QByteArray("amount=900719925474099&expires_at=1767225600&off=false&on=true&text=a%20b&unset="));
}

void TestStripeFormEncoding::emptyArraysAndObjectsAreLeftOut()
{
    const QJsonObject params {{QStringLiteral("a"), QJsonArray {}},
                              {QStringLiteral("b"), QJsonObject {}},
                              {QStringLiteral("c"), QStringLiteral("1")}};
    QCOMPARE(StripeForm::encode(params), QByteArray("c=1"));
    QCOMPARE(StripeForm::encode({}), QByteArray());
}

namespace {

CheckoutSessionParams sessionParams(const QDateTime &now)
{
    CheckoutSessionParams params;
    params.currency = QStringLiteral("EUR");
    params.lineItems = {{QStringLiteral("Full wash (SUV)"), 2500, 1}, {QStringLiteral("VAT 19%"), 475, 1}};
    params.successUrl = QStringLiteral("https://wash.example/paid?b=CW-7Q2");
    params.cancelUrl = QStringLiteral("https://wash.example/cancelled");
    params.clientReferenceId = QStringLiteral("CW-7Q2");
    params.metadata = {{QStringLiteral("payment_id"), QStringLiteral("17")},
                       {QStringLiteral("booking_id"), QStringLiteral("9")}};
    params.paymentIntentMetadata = params.metadata;
    params.locale = QStringLiteral("de");
    params.expiresAt = now.addSecs(45 * 60);
    return params;
}

QMap<QString, QString> fieldMap(const QJsonObject &params)
{
    QMap<QString, QString> map;
    for (const auto &[key, value] : StripeForm::fields(params))
        map.insert(key, value);
    return map;
}

} // namespace

void TestStripeFormEncoding::checkoutSessionCarriesItsLineItemsAndMetadata()
{
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC);
    const CheckoutSessionParams params = sessionParams(now);
    QVERIFY(!params.check(now).isError());
    const QMap<QString, QString> expected {
        {QStringLiteral("mode"), QStringLiteral("payment")},
        {QStringLiteral("payment_method_types[0]"), QStringLiteral("card")},
        {QStringLiteral("line_items[0][price_data][currency]"), QStringLiteral("eur")},
        {QStringLiteral("line_items[0][price_data][unit_amount]"), QStringLiteral("2500")},
        {QStringLiteral("line_items[0][price_data][product_data][name]"), QStringLiteral("Full wash (SUV)")},
        {QStringLiteral("line_items[0][quantity]"), QStringLiteral("1")},
        {QStringLiteral("line_items[1][price_data][currency]"), QStringLiteral("eur")},
        {QStringLiteral("line_items[1][price_data][unit_amount]"), QStringLiteral("475")},
        {QStringLiteral("line_items[1][price_data][product_data][name]"), QStringLiteral("VAT 19%")},
        {QStringLiteral("line_items[1][quantity]"), QStringLiteral("1")},
        {QStringLiteral("success_url"), QStringLiteral("https://wash.example/paid?b=CW-7Q2")},
        {QStringLiteral("cancel_url"), QStringLiteral("https://wash.example/cancelled")},
        {QStringLiteral("client_reference_id"), QStringLiteral("CW-7Q2")},
        {QStringLiteral("metadata[payment_id]"), QStringLiteral("17")},
        {QStringLiteral("metadata[booking_id]"), QStringLiteral("9")},
        {QStringLiteral("payment_intent_data[metadata][payment_id]"), QStringLiteral("17")},
        {QStringLiteral("payment_intent_data[metadata][booking_id]"), QStringLiteral("9")},
        {QStringLiteral("locale"), QStringLiteral("de")},
        {QStringLiteral("expires_at"), QString::number(1767225600 + 45 * 60)},
    };
    QCOMPARE(fieldMap(params.toParams()), expected);
    QVERIFY(StripeForm::encode(params.toParams())
                .contains("line_items[1][price_data][product_data][name]=VAT%2019%25"));
}

void TestStripeFormEncoding::checkoutSessionExpiryOutsideStripesLimitsIsRefused_data()
{
    QTest::addColumn<qint64>("secondsAhead");
    QTest::addColumn<bool>("refused");
    QTest::newRow("in the past") << qint64(-60) << true;
    QTest::newRow("29 min") << qint64(29 * 60) << true;
    QTest::newRow("30 min") << qint64(30 * 60) << false;
    QTest::newRow("2 h") << qint64(2 * 3600) << false;
    QTest::newRow("24 h") << qint64(24 * 3600) << false;
    QTest::newRow("24 h and 1 s") << qint64(24 * 3600 + 1) << true;
    QTest::newRow("2 days") << qint64(48 * 3600) << true;
}

void TestStripeFormEncoding::checkoutSessionExpiryOutsideStripesLimitsIsRefused()
{
    QFETCH(qint64, secondsAhead);
    QFETCH(bool, refused);
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC);
    CheckoutSessionParams params = sessionParams(now);
    params.expiresAt = now.addSecs(secondsAhead);
    const StripeError error = params.check(now);
    QCOMPARE(error.isError(), refused);
    if (refused) {
        QCOMPARE(error.kind(), StripeError::Kind::InvalidRequest);
        QCOMPARE(error.param(), QStringLiteral("expires_at"));
        QCOMPARE(error.attempts(), 0);
        QVERIFY2(error.message().contains(u"30 minutes") && error.message().contains(u"24 hours"),
                 qPrintable(error.message()));
        QVERIFY2(error.userMessage().contains(error.message()), qPrintable(error.userMessage()));
    }
    // Without an expiry Stripe's default (24 h) applies and nothing is sent.
    params.expiresAt = {};
    QVERIFY(!params.check(now).isError());
    QVERIFY(!params.toParams().contains(u"expires_at"));
}

void TestStripeFormEncoding::checkoutSessionWithoutItemsOrUrlsIsRefused()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    CheckoutSessionParams params = sessionParams(now);
    params.lineItems.clear();
    QCOMPARE(params.check(now).param(), QStringLiteral("line_items"));
    params = sessionParams(now);
    params.lineItems[1].quantity = 0;
    QCOMPARE(params.check(now).param(), QStringLiteral("line_items[1]"));
    params = sessionParams(now);
    params.cancelUrl.clear();
    QCOMPARE(params.check(now).param(), QStringLiteral("cancel_url"));
    params = sessionParams(now);
    params.currency = QStringLiteral("euro");
    QCOMPARE(params.check(now).param(), QStringLiteral("currency"));
}

void TestStripeFormEncoding::paymentIntentIsCardPresentAndCapturedAutomatically()
{
    PaymentIntentParams params;
    params.amountCents = 2975;
    params.currency = QStringLiteral("EUR");
    params.description = QStringLiteral("Booking CW-7Q2");
    params.metadata = {{QStringLiteral("payment_id"), QStringLiteral("17")}};
    QVERIFY(!params.check().isError());
    QCOMPARE(StripeForm::encode(params.toParams()),
             QByteArray("amount=2975&capture_method=automatic&currency=eur&description=Booking%20CW-7Q2"
                        "&metadata[payment_id]=17&payment_method_types[0]=card_present"));
    params.amountCents = 0;
    QCOMPARE(params.check().param(), QStringLiteral("amount"));
}

void TestStripeFormEncoding::readerCartIsTheDisplaysCart()
{
    ReaderCart cart;
    cart.currency = QStringLiteral("EUR");
    cart.lineItems = {{QStringLiteral("Full wash"), 2500, 1}, {QStringLiteral("Wax"), 950, 2}};
    cart.totalCents = 4400;
    QVERIFY(!cart.check().isError());
    QCOMPARE(StripeForm::encode(cart.toParams()),
             QByteArray("cart[currency]=eur"
                        "&cart[line_items][0][amount]=2500&cart[line_items][0][description]=Full%20wash"
                        "&cart[line_items][0][quantity]=1"
                        "&cart[line_items][1][amount]=950&cart[line_items][1][description]=Wax"
                        "&cart[line_items][1][quantity]=2"
                        "&cart[total]=4400&type=cart"));
    cart.lineItems.clear();
    QCOMPARE(cart.check().param(), QStringLiteral("cart[line_items]"));
}

void TestStripeFormEncoding::refundIsFullWithoutAnAmount()
{
    RefundParams params;
    params.paymentIntentId = QStringLiteral("pi_123");
    params.reason = QStringLiteral("requested_by_customer");
    params.metadata = {{QStringLiteral("refund_id"), QStringLiteral("5")}};
    QVERIFY(!params.check().isError());
    QCOMPARE(StripeForm::encode(params.toParams()),
             QByteArray("metadata[refund_id]=5&payment_intent=pi_123&reason=requested_by_customer"));
    params.amountCents = 1250;
    QCOMPARE(
        StripeForm::encode(params.toParams()),
        QByteArray("amount=1250&metadata[refund_id]=5&payment_intent=pi_123&reason=requested_by_customer"));
    params.amountCents = 0;
    QCOMPARE(params.check().param(), QStringLiteral("amount"));
    params.amountCents.reset();
    params.paymentIntentId = QStringLiteral("ch_123");
    QCOMPARE(params.check().param(), QStringLiteral("payment_intent"));
}

void TestStripeFormEncoding::refundReasonMustBeOneStripeKnows()
{
    RefundParams params;
    params.paymentIntentId = QStringLiteral("pi_123");
    params.reason = QStringLiteral("slot taken");
    const StripeError error = params.check();
    QCOMPARE(error.kind(), StripeError::Kind::InvalidRequest);
    QCOMPARE(error.param(), QStringLiteral("reason"));
    params.reason = QStringLiteral("duplicate");
    QVERIFY(!params.check().isError());
}

void TestStripeFormEncoding::metadataOutsideStripesLimitsIsRefused()
{
    PaymentIntentParams params;
    params.amountCents = 100;
    params.currency = QStringLiteral("eur");
    params.metadata = {{QStringLiteral("note"), QString(501, u'x')}};
    QCOMPARE(params.check().param(), QStringLiteral("metadata[note]"));
    params.metadata = {{QString(41, u'k'), QStringLiteral("v")}};
    QCOMPARE(params.check().param(), QStringLiteral("metadata"));
    params.metadata = {{QStringLiteral("a[b]"), QStringLiteral("v")}};
    QCOMPARE(params.check().param(), QStringLiteral("metadata"));
    params.metadata = {{QString(40, u'k'), QString(500, u'v')}};
    QVERIFY(!params.check().isError());
}

QTEST_GUILESS_MAIN(TestStripeFormEncoding)
#include "tst_stripeformencoding.moc"
