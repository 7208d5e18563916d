export { MembershipList } from './membership-list.js';
