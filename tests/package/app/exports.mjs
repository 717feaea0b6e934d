// Run by Node in the installed app: what the package's two entries export at
// runtime, and whether they share the loader's classes (one copy, not two).
import * as loader from 'feedline';
import * as train from 'feedline/train';

let thrown = null;
try {
  new train.Trainer({ model: 'resnet' });
} catch (error) {
  thrown = error;
}
console.log(
  JSON.stringify({
    loader: Object.keys(loader).sort(),
    train: Object.keys(train).sort(),
    trainerError: { name: thrown?.name, isOptionError: thrown instanceof loader.OptionError, isFeedlineError: thrown instanceof loader.FeedlineError },
  }),
);
