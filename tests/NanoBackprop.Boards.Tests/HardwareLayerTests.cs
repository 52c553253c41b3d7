using System;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoBackprop.Boards.Esp32;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>
    /// The ESP32 hardware layer's logic that needs no driver (boards/common/Device: the sensor
    /// units, the model's flash files and their A/B use, the pin checks, the sampling schedule), the
    /// same files the board apps compile, run on the desktop with a file system in RAM.
    /// </summary>
    [TestClass]
    public sealed class HardwareLayerTests
    {
        [TestMethod]
        [DataRow(21.25, 2125)]
        [DataRow(45.5, 4550)]
        [DataRow(0.0, 0)]
        [DataRow(0.125, 13, DisplayName = "12.5 hundredths round half away from zero, up")]
        [DataRow(-0.125, -13, DisplayName = "-12.5 hundredths round half away from zero, down")]
        [DataRow(0.124, 12)]
        [DataRow(-40.0, -4000, DisplayName = "BME280's lowest temperature")]
        [DataRow(85.0, 8500, DisplayName = "BME280's highest temperature")]
        [DataRow(1.005, 100, DisplayName = "1.005 × 100 is the double 100.49999999999999: rounds down")]
        [DataRow(21474836.46, 2147483646)]
        [DataRow(1e300, int.MaxValue, DisplayName = "saturates high")]
        [DataRow(-1e300, int.MinValue, DisplayName = "saturates low")]
        [DataRow(double.PositiveInfinity, int.MaxValue)]
        [DataRow(double.NegativeInfinity, int.MinValue)]
        public void HundredthsRoundHalfAwayFromZeroAndSaturate(double value, int expected)
        {
            Assert.IsTrue(SensorUnits.TryHundredths(value, out int hundredths));
            Assert.AreEqual(expected, hundredths);
        }

        [TestMethod]
        public void NaNIsNoReading()
        {
            Assert.IsFalse(SensorUnits.TryHundredths(double.NaN, out int hundredths));
            Assert.AreEqual(0, hundredths);
        }

        [TestMethod]
        public void AReadingIsCentiDegreesCentiPercentAndRawCounts()
        {
            int[] reading = new int[SensorUnits.FeatureCount];
            Assert.IsTrue(SensorUnits.TryFillReading(reading, 21.25, 45.5, 1234));
            CollectionAssert.AreEqual(new[] { 2125, 4550, 1234 }, reading);
        }

        [TestMethod]
        public void ANaNValueLeavesTheReadingUnchanged()
        {
            int[] reading = { 7, 8, 9 };
            Assert.IsFalse(SensorUnits.TryFillReading(reading, 21.25, double.NaN, 1234));
            Assert.IsFalse(SensorUnits.TryFillReading(reading, double.NaN, 45.5, 1234));
            CollectionAssert.AreEqual(new[] { 7, 8, 9 }, reading);
        }

        [TestMethod]
        public void AReadingOfTheWrongSizeIsRejectedByName()
        {
            var wrong = Assert.ThrowsExactly<ArgumentException>(() => SensorUnits.TryFillReading(new int[2], 21.25, 45.5, 1234));
            Assert.AreEqual("reading", wrong.ParamName);
            StringAssert.Contains(wrong.Message, "holds 2 values; it must hold 3");
            Assert.AreEqual("reading", Assert.ThrowsExactly<ArgumentNullException>(() => SensorUnits.TryFillReading(null, 21.25, 45.5, 1234)).ParamName);
        }

        [TestMethod]
        public void SlotsAreTwoFilesOnTheInternalFlashDrive()
        {
            Assert.AreEqual(@"I:\model-a.bin", ModelFileSlots.PathOf(0));
            Assert.AreEqual(@"I:\model-b.bin", ModelFileSlots.PathOf(1));
            foreach (int slot in new[] { -1, 2 })
            {
                var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ModelFileSlots.PathOf(slot));
                Assert.AreEqual("slot", error.ParamName);
                StringAssert.Contains(error.Message, "slot is " + slot + "; it must be 0 or 1");
            }
        }

        [TestMethod]
        public void AMissingFileOrAnUnreadableOneIsAnEmptySlot()
        {
            var files = new RamFiles();
            var slots = new ModelFileSlots(files);
            Assert.AreEqual(0, slots.Read(0, new byte[16]));
            Assert.IsEmpty(files.Log, "a missing file is not opened");

            files.Files[ModelFileSlots.SlotBPath] = new() { 1, 2, 3 };
            files.FailOpen = true;
            Assert.AreEqual(0, slots.Read(1, new byte[16]));
        }

        [TestMethod]
        public void AReadCollectsShortReadsUntilTheFileEnds()
        {
            var files = new RamFiles { ReadChunk = 3 };
            files.Files[ModelFileSlots.SlotAPath] = Enumerable.Range(1, 10).Select(i => (byte)i).ToList();
            byte[] buffer = new byte[16];
            Assert.AreEqual(10, new ModelFileSlots(files).Read(0, buffer));
            CollectionAssert.AreEqual(Enumerable.Range(1, 10).Select(i => (byte)i).Concat(new byte[6]).ToArray(), buffer);
            CollectionAssert.AreEqual(new[] { @"open I:\model-a.bin", @"close I:\model-a.bin" }, files.Log);
        }

        [TestMethod]
        public void AFileLongerThanTheBufferGivesTheBuffersLength()
        {
            var files = new RamFiles();
            files.Files[ModelFileSlots.SlotAPath] = Enumerable.Range(1, 10).Select(i => (byte)i).ToList();
            byte[] buffer = new byte[4];
            Assert.AreEqual(4, new ModelFileSlots(files).Read(0, buffer));
            CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 4 }, buffer);
        }

        [TestMethod]
        public void AWriteReplacesTheFileWithCountBytesAndFlushesBeforeClosing()
        {
            var files = new RamFiles();
            files.Files[ModelFileSlots.SlotBPath] = Enumerable.Repeat((byte)0xEE, 32).ToList();
            new ModelFileSlots(files).Write(1, new byte[] { 10, 20, 30, 40, 50, 60, 70, 80 }, 5);
            CollectionAssert.AreEqual(new byte[] { 10, 20, 30, 40, 50 }, files.Files[ModelFileSlots.SlotBPath]);
            CollectionAssert.AreEqual(new[] { @"create I:\model-b.bin", @"flush I:\model-b.bin", @"close I:\model-b.bin" }, files.Log);
        }

        [TestMethod]
        public void ABadWriteIsRejectedByNameBeforeTheFileIsTouched()
        {
            var files = new RamFiles();
            files.Files[ModelFileSlots.SlotAPath] = new() { 1, 2, 3 };
            var slots = new ModelFileSlots(files);
            foreach (int count in new[] { -1, 9 })
            {
                var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => slots.Write(0, new byte[8], count));
                Assert.AreEqual("count", error.ParamName);
                StringAssert.Contains(error.Message, "count is " + count + "; it must be 0 to 8");
            }

            Assert.AreEqual("data", Assert.ThrowsExactly<ArgumentNullException>(() => slots.Write(0, null, 0)).ParamName);
            Assert.AreEqual("slot", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => slots.Write(2, new byte[8], 8)).ParamName);
            Assert.AreEqual("files", Assert.ThrowsExactly<ArgumentNullException>(() => new ModelFileSlots(null)).ParamName);
            Assert.IsEmpty(files.Log);
            CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, files.Files[ModelFileSlots.SlotAPath]);
        }

        private static OnlineLearner NewLearner(int seed)
        {
            var network = new Network(new[] { 3, 4, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed, NetworkOptions.None);
            return new OnlineLearner(network, new LearnerOptions());
        }

        private static int[] Parameters(OnlineLearner learner)
        {
            int[] parameters = new int[learner.Network.ParameterCount];
            learner.Network.CopyParametersTo(parameters);
            return parameters;
        }

        /// <summary>
        /// Saves alternate between the two files; a power cut in the middle of writing one leaves the
        /// other loadable, and after a reset the store resumes from it and rewrites the torn file.
        /// </summary>
        [TestMethod]
        public void SavesAlternateBetweenTheFilesAndAPowerCutKeepsThePreviousModel()
        {
            var files = new RamFiles();
            OnlineLearner learner = NewLearner(seed: 1);
            var store = new PowerSafeModelStore(new ModelFileSlots(files), learner);
            int[] sample = { 2100, 4500, 800 };
            int[] occupied = { Q16.One };

            store.Save();
            Assert.AreEqual(1u, store.Sequence);
            CollectionAssert.AreEquivalent(new[] { ModelFileSlots.SlotAPath }, files.Files.Keys.ToArray(), "the first save writes slot A");
            learner.Learn(sample, occupied);
            store.Save();
            Assert.AreEqual(2u, store.Sequence);
            Assert.HasCount(store.SlotBytes, files.Files[ModelFileSlots.SlotBPath], "the second save writes slot B");
            learner.Learn(sample, occupied);
            store.Save();
            int[] savedThird = Parameters(learner);
            files.Log.Clear();
            Assert.AreEqual(3u, store.Sequence);

            learner.Learn(sample, occupied);
            files.PowerCutAfterBytes = store.SlotBytes / 2;
            Assert.ThrowsExactly<IOException>(() => store.Save());
            Assert.AreEqual(@"create I:\model-b.bin", files.Log[0], "the fourth save goes to B, the older slot");
            Assert.HasCount(store.SlotBytes / 2, files.Files[ModelFileSlots.SlotBPath], "B is torn");
            Assert.AreEqual(3u, store.Sequence);

            // Reset: a new learner with other initial weights, the same files.
            OnlineLearner rebooted = NewLearner(seed: 7);
            CollectionAssert.AreNotEqual(savedThird, Parameters(rebooted));
            var reloaded = new PowerSafeModelStore(new ModelFileSlots(files), rebooted);
            Assert.IsTrue(reloaded.Load());
            Assert.AreEqual(3u, reloaded.Sequence, "slot A's third save; B's CRC rejects the torn fourth");
            CollectionAssert.AreEqual(savedThird, Parameters(rebooted));
            Assert.AreEqual(2L, rebooted.Samples);

            files.Log.Clear();
            reloaded.Save();
            Assert.AreEqual(@"create I:\model-b.bin", files.Log[0], "the next save rewrites the torn slot");
            Assert.AreEqual(4u, reloaded.Sequence);
        }

        [TestMethod]
        public void TheBoardsPinsPassTheChecks()
        {
            BoardPins devkitc = new BoardPins { I2cData = 21, I2cClock = 22, LightAdcChannel = 6, LabelPin = 27, LedPin = 2 };
            devkitc.Validate();
            Assert.AreEqual(0x76, devkitc.Bme280Address);
            Assert.AreEqual(5000, devkitc.SamplePeriodMilliseconds);
        }

        [TestMethod]
        [DataRow("Bme280Address", "Bme280Address is 0x75; a BME280 answers at 0x76 (SDO to GND) or 0x77 (SDO to 3V3).")]
        [DataRow("SamplePeriodMilliseconds", "SamplePeriodMilliseconds is 0; it must be at least 1.")]
        [DataRow("LedPin", "LedPin is -1; it must not be negative.")]
        [DataRow("LightAdcChannel", "LightAdcChannel is -1; it must not be negative.")]
        public void APinSettingOutOfRangeIsNamed(string field, string message)
        {
            BoardPins pins = new BoardPins { I2cData = 21, I2cClock = 22, LightAdcChannel = 6, LabelPin = 27, LedPin = 2 };
            switch (field)
            {
                case "Bme280Address": pins.Bme280Address = 0x75; break;
                case "SamplePeriodMilliseconds": pins.SamplePeriodMilliseconds = 0; break;
                case "LedPin": pins.LedPin = -1; break;
                case "LightAdcChannel": pins.LightAdcChannel = -1; break;
            }

            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(pins.Validate);
            Assert.AreEqual(field, error.ParamName);
            StringAssert.StartsWith(error.Message, "BoardPins: " + message);
        }

        [TestMethod]
        public void TwoPartsOnOneGpioAreNamed()
        {
            BoardPins pins = new BoardPins { I2cData = 21, I2cClock = 22, LightAdcChannel = 6, LabelPin = 2, LedPin = 2 };
            var error = Assert.ThrowsExactly<ArgumentException>(pins.Validate);
            Assert.AreEqual("LedPin", error.ParamName);
            StringAssert.StartsWith(error.Message, "BoardPins: LabelPin and LedPin are both GPIO2; each part needs its own pin.");
        }

        [TestMethod]
        public void TheScheduleKeepsItsRateWhateverEachStepTakes()
        {
            // 5 s period from t = 1 s: readings due at 6 s, 11 s, 16 s ... whatever the steps take.
            var schedule = new SampleSchedule(5000, 1_000_000);
            Assert.AreEqual(4_200, schedule.MillisecondsToNext(1_800_000), "step took 0.8 s: sleep until 6 s");
            Assert.AreEqual(4_999, schedule.MillisecondsToNext(6_000_500), "0.5 ms late: 4,999.5 ms rounds down");
            Assert.AreEqual(0, schedule.MillisecondsToNext(16_000_000), "due at 11 s, ended at 16 s: an overrun");
            Assert.AreEqual(1, schedule.Overruns);
            Assert.AreEqual(4_000, schedule.MillisecondsToNext(17_000_000), "restarted from 16 s, not bursting to catch up");
            Assert.AreEqual(1, schedule.Overruns);
            Assert.AreEqual(0, schedule.MillisecondsToNext(26_000_000), "due exactly now is an overrun too");
            Assert.AreEqual(2, schedule.Overruns);
        }

        [TestMethod]
        public void APeriodBelowOneMillisecondIsRejectedByName()
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SampleSchedule(0, 0));
            Assert.AreEqual("periodMilliseconds", error.ParamName);
        }
    }
}
