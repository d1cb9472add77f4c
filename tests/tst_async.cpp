// Async::onResult is how every screen and model takes a pool result back to
// its own thread. Its promise: the callback runs later, from the event loop,
// on the context's thread; never inside the call, never after the context is
// gone, never for a cancelled future.
#include "db/pool/async.h"

#include <QFutureInterface>
#include <QPromise>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

#include <memory>

class TestAsync : public QObject
{
    Q_OBJECT

private slots:
    void aReadyFutureIsDeliveredLaterNotDuringTheCall();
    void aResultFromAnotherThreadArrivesOnTheContextThread();
    void aDestroyedContextIsNeverCalled();
    void aCancelledFutureCallsNothing();
};

void TestAsync::aReadyFutureIsDeliveredLaterNotDuringTheCall()
{
    // QFuture::then(context, …) runs its continuation at once when the future
    // is already finished; a model that set "loading" before it would see it
    // end inside its own refresh(). onResult must not.
    QObject context;
    int got = 0;
    Async::onResult(QtFuture::makeReadyFuture(42), &context, [&got](int value) { got = value; });
    QCOMPARE(got, 0);
    QTRY_COMPARE(got, 42);
}

void TestAsync::aResultFromAnotherThreadArrivesOnTheContextThread()
{
    QObject context;
    QThread *calledOn = nullptr;
    int got = 0;
    Async::onResult(QtConcurrent::run([] { return 7; }), &context, [&](int value) {
        calledOn = QThread::currentThread();
        got = value;
    });
    QTRY_COMPARE(got, 7);
    QCOMPARE(calledOn, QThread::currentThread());
}

void TestAsync::aDestroyedContextIsNeverCalled()
{
    QPromise<int> promise;
    bool called = false;
    {
        auto context = std::make_unique<QObject>();
        Async::onResult(promise.future(), context.get(), [&called](int) { called = true; });
    }
    promise.start();
    promise.addResult(1);
    promise.finish();
    QCoreApplication::processEvents();
    QTest::qWait(50);
    QVERIFY(!called);
}

void TestAsync::aCancelledFutureCallsNothing()
{
    QObject context;
    bool called = false;
    bool finished = false;
    QPromise<int> promise;
    QFuture<int> future = promise.future();
    Async::onResult(future, &context, [&called](int) { called = true; });
    // A second watcher tells when the first has had its chance.
    QFutureWatcher<int> watcher;
    connect(&watcher, &QFutureWatcherBase::finished, &context, [&finished] { finished = true; });
    watcher.setFuture(future);
    promise.start();
    future.cancel();
    promise.finish();
    QTRY_VERIFY(finished);
    QCoreApplication::processEvents();
    QVERIFY(!called);
}

QTEST_GUILESS_MAIN(TestAsync)
#include "tst_async.moc"
