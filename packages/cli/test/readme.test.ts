import { describeReadmeExamples } from '../../../testing/readme-examples.js';

describeReadmeExamples(import.meta.url);
