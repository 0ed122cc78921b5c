// An entry that uses crumbless() alone (built by vite.shake.js).
import { crumbless } from "crumbless";

crumbless("open");
