using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using MSTest = Microsoft.VisualStudio.TestTools.UnitTesting;

// The part of nanoFramework.TestFramework 3.x that the shared device tests use, mapped onto MSTest
// so that the same source files run here. Signatures follow nanoFramework.TestFramework's
// Assert.cs and Assert.AreEqual.cs (commit b52c518), TestFrameworkShared/*Attribute.cs and
// OutputHelper.cs; the behaviour follows its UnitTestLauncher (Program.cs):
// - [Setup] methods of a class run once, before its first test; [Cleanup] once, at the end.
// - Test and setup methods are invoked on a null instance there, so a test class must keep no
//   instance state: this shim fails any test whose class declares an instance field.
// - ThrowsException passes only for the exact exception type (not a derived one).
// - AreEqual has one overload per primitive type, string and object, and no delta overloads.
namespace nanoFramework.TestFramework
{
    /// <summary>Marks a class of device tests (nanoFramework's [TestClass]); MSTest discovers it.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
    public sealed class TestClassAttribute : MSTest.TestClassAttribute
    {
    }

    /// <summary>
    /// Marks a device test (nanoFramework's [TestMethod]). Runs the class's [Setup] methods before
    /// its first test and enforces the launcher's rule that test classes hold no instance state.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class TestMethodAttribute : MSTest.TestMethodAttribute
    {
        /// <summary>Creates the attribute; the caller information is for MSTest's source links.</summary>
        public TestMethodAttribute([CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = -1)
            : base(callerFilePath, callerLineNumber)
        {
        }

        /// <inheritdoc />
        public override async Task<MSTest.TestResult[]> ExecuteAsync(MSTest.ITestMethod testMethod)
        {
            Type testClass = testMethod.MethodInfo.DeclaringType;
            string problem = ClassLifecycle.InstanceStateProblem(testClass) ?? ClassLifecycle.RunSetupOnce(testClass);
            if (problem != null)
            {
                return new[]
                {
                    new MSTest.TestResult
                    {
                        Outcome = MSTest.UnitTestOutcome.Failed,
                        TestFailureException = new MSTest.AssertFailedException(problem),
                    },
                };
            }

            return await base.ExecuteAsync(testMethod).ConfigureAwait(false);
        }
    }

    /// <summary>Runs once before the first test of its class (nanoFramework's [Setup]).</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class SetupAttribute : Attribute
    {
    }

    /// <summary>Runs once after the tests (nanoFramework's [Cleanup]; here at the end of the run).</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class CleanupAttribute : Attribute
    {
    }

    /// <summary>nanoFramework.TestFramework's assertions, each failing through MSTest.</summary>
    public sealed class Assert
    {
        private Assert()
        {
        }

        /// <summary>Fails unless <paramref name="condition"/> is true.</summary>
        public static void IsTrue(bool condition, [CallerArgumentExpression("condition")] string message = "")
        {
            if (!condition)
            {
                Fail("Assert.IsTrue", message);
            }
        }

        /// <summary>Fails unless <paramref name="condition"/> is false.</summary>
        public static void IsFalse(bool condition, [CallerArgumentExpression("condition")] string message = "")
        {
            if (condition)
            {
                Fail("Assert.IsFalse", message);
            }
        }

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(bool expected, bool actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(byte expected, byte actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(char expected, char actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(sbyte expected, sbyte actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(short expected, short actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(ushort expected, ushort actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(int expected, int actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(uint expected, uint actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(long expected, long actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal.</summary>
        public static void AreEqual(ulong expected, ulong actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the values are equal (exactly: there is no delta overload).</summary>
        public static void AreEqual(double expected, double actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>Fails unless the strings are equal (ordinal).</summary>
        public static void AreEqual(string expected, string actual, [CallerArgumentExpression("actual")] string message = "")
        {
            if (string.CompareOrdinal(expected, actual) != 0)
            {
                Fail("Assert.AreEqual", "Expected:<" + expected + ">. Actual:<" + actual + ">. " + message);
            }
        }

        /// <summary>Fails unless <see cref="object.Equals(object, object)"/> holds.</summary>
        public static void AreEqual(object expected, object actual, [CallerArgumentExpression("actual")] string message = "") => Equal(expected, actual, message);

        /// <summary>
        /// Fails unless <paramref name="action"/> throws exactly <paramref name="exception"/> (a
        /// derived type fails, as on nanoFramework).
        /// </summary>
        public static void ThrowsException(Type exception, Action action, [CallerArgumentExpression("action")] string message = "")
        {
            MSTest.Assert.IsNotNull(exception, "Assert.ThrowsException: the exception type is null");
            MSTest.Assert.IsNotNull(action, "Assert.ThrowsException: the action is null");
            try
            {
                action();
            }
            catch (Exception thrown)
            {
                if (thrown.GetType() == exception)
                {
                    return;
                }

                Fail("Assert.ThrowsException", "Threw " + thrown.GetType().Name + ", but " + exception.Name + " was expected. " + message + "\r\nException Message: " + thrown.Message);
            }

            Fail("Assert.ThrowsException", "No exception thrown. " + exception.Name + " was expected. " + message);
        }

        private static void Equal(object expected, object actual, string message)
        {
            if (!Equals(expected, actual))
            {
                Fail("Assert.AreEqual", "Expected:<" + expected + ">. Actual:<" + actual + ">. " + message);
            }
        }

        private static void Fail(string assertion, string message)
        {
            MSTest.Assert.Fail(assertion + " failed. " + message);
        }
    }

    /// <summary>Test output (nanoFramework writes it to the device's console).</summary>
    public static class OutputHelper
    {
        /// <summary>Writes <paramref name="message"/>.</summary>
        public static void Write(string message) => Console.Write(message);

        /// <summary>Writes <paramref name="message"/> and a new line.</summary>
        public static void WriteLine(string message) => Console.WriteLine(message);
    }

    /// <summary>Setup once per class and Cleanup at the end, as nanoFramework's launcher runs them.</summary>
    [MSTest.TestClass]
    public sealed class ClassLifecycle
    {
        // Per class: null when its setup passed, otherwise why it failed.
        private static readonly ConcurrentDictionary<Type, Lazy<string>> SetupOutcomes = new();

        internal static string InstanceStateProblem(Type testClass)
        {
            FieldInfo[] fields = testClass.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            return fields.Length == 0 ? null
                : testClass.Name + " declares instance fields (" + string.Join(", ", fields.Select(f => f.Name))
                  + "); nanoFramework's launcher calls tests on a null instance, so keep state in static fields.";
        }

        internal static string RunSetupOnce(Type testClass)
        {
            return SetupOutcomes.GetOrAdd(testClass, type => new Lazy<string>(() => RunMarked(type, typeof(SetupAttribute)))).Value;
        }

        /// <summary>Runs the [Cleanup] methods of every class whose setup ran.</summary>
        [MSTest.AssemblyCleanup]
        public static void RunCleanups()
        {
            string failure = null;
            foreach (Type testClass in SetupOutcomes.Keys)
            {
                failure ??= RunMarked(testClass, typeof(CleanupAttribute));
            }

            if (failure != null)
            {
                MSTest.Assert.Fail(failure);
            }
        }

        private static string RunMarked(Type testClass, Type attribute)
        {
            foreach (MethodInfo method in testClass.GetMethods().Where(m => m.IsDefined(attribute, false)))
            {
                try
                {
                    method.Invoke(method.IsStatic ? null : Activator.CreateInstance(testClass), null);
                }
                catch (TargetInvocationException thrown)
                {
                    return "[" + attribute.Name.Replace("Attribute", string.Empty) + "] " + testClass.Name + "." + method.Name + " failed: " + thrown.InnerException;
                }
            }

            return null;
        }
    }
}
