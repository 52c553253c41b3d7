using System;
using MSTest = Microsoft.VisualStudio.TestTools.UnitTesting;
using Nano = nanoFramework.TestFramework;

namespace NanoBackprop.DeviceTests.Desktop
{
    /// <summary>
    /// The shim behaves like nanoFramework.TestFramework where the two differ from MSTest: Setup
    /// once per class before its tests, exact exception types, no instance state, failures that
    /// MSTest reports.
    /// </summary>
    [MSTest.TestClass]
    public sealed class TestFrameworkShimTests
    {
        [MSTest.TestMethod]
        public void ThrowsExceptionAcceptsOnlyTheExactType()
        {
            Nano.Assert.ThrowsException(typeof(ArgumentNullException), ThrowArgumentNull);
            // ArgumentNullException derives from ArgumentException; nanoFramework's assertion fails on it.
            var failure = MSTest.Assert.ThrowsExactly<MSTest.AssertFailedException>(() => Nano.Assert.ThrowsException(typeof(ArgumentException), ThrowArgumentNull));
            MSTest.StringAssert.Contains(failure.Message, "Threw ArgumentNullException, but ArgumentException was expected");
            failure = MSTest.Assert.ThrowsExactly<MSTest.AssertFailedException>(() => Nano.Assert.ThrowsException(typeof(ArgumentException), DoNothing));
            MSTest.StringAssert.Contains(failure.Message, "No exception thrown");
        }

        [MSTest.TestMethod]
        public void FailedAssertionsReachMSTestWithBothValues()
        {
            var failure = MSTest.Assert.ThrowsExactly<MSTest.AssertFailedException>(() => Nano.Assert.AreEqual(42, 41));
            MSTest.StringAssert.Contains(failure.Message, "Expected:<42>. Actual:<41>");
            MSTest.Assert.ThrowsExactly<MSTest.AssertFailedException>(() => Nano.Assert.AreEqual(1L << 40, (1L << 40) + 1));
            MSTest.Assert.ThrowsExactly<MSTest.AssertFailedException>(() => Nano.Assert.AreEqual(3u, 4u));
            MSTest.Assert.ThrowsExactly<MSTest.AssertFailedException>(() => Nano.Assert.IsTrue(false));
            MSTest.Assert.ThrowsExactly<MSTest.AssertFailedException>(() => Nano.Assert.IsFalse(true));
            Nano.Assert.AreEqual(-7, -7);
            Nano.Assert.AreEqual("bits", "bits");
        }

        [MSTest.TestMethod]
        public void ATestClassWithInstanceFieldsIsRejected()
        {
            string problem = Nano.ClassLifecycle.InstanceStateProblem(typeof(ClassWithState));
            MSTest.StringAssert.Contains(problem, "counter");
            MSTest.Assert.IsNull(Nano.ClassLifecycle.InstanceStateProblem(typeof(SetupCountingTests)));
        }

        private static void ThrowArgumentNull()
        {
            throw new ArgumentNullException("value");
        }

        private static void DoNothing()
        {
        }

        private sealed class ClassWithState
        {
#pragma warning disable CS0169 // the field exists only to be found by reflection
            private int counter;
#pragma warning restore CS0169
        }
    }

    /// <summary>[Setup] runs once, before the first test of its class, whichever test runs first.</summary>
    [Nano.TestClass]
    public sealed class SetupCountingTests
    {
        private static int setups;

        [Nano.Setup]
        public void CountSetup()
        {
            setups++;
        }

        [Nano.TestMethod]
        public void FirstTestSeesOneSetup()
        {
            Nano.Assert.AreEqual(1, setups);
        }

        [Nano.TestMethod]
        public void SecondTestSeesOneSetup()
        {
            Nano.Assert.AreEqual(1, setups);
        }
    }
}
